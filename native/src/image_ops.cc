#include "image_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace worktrace {
namespace {

// Area-averaging weights along one axis, flattened with a fixed number of taps per output sample so the
// inner loops have no indirection: output i = sum over k < taps of weights[i * taps + k] * source[first[i] + k].
// Output pixel i covers source [i * scale, (i + 1) * scale); pixels cut by either edge count for the part
// they cover; the weights of each output sample sum to 1.
struct Taps {
  int taps = 0;
  std::vector<int> first;
  std::vector<float> weights;
};

Taps AreaTaps(int srcLength, int outLength) {
  const double scale = static_cast<double>(srcLength) / outLength;
  Taps t;
  t.taps = std::min(srcLength, static_cast<int>(std::ceil(scale)) + 1);
  t.first.resize(outLength);
  t.weights.assign(static_cast<size_t>(outLength) * t.taps, 0.0f);
  for (int i = 0; i < outLength; ++i) {
    const double start = i * scale;
    const double end = std::min<double>(srcLength, (i + 1) * scale);
    const int lo = static_cast<int>(std::floor(start));
    const int hi = std::min(srcLength - 1, static_cast<int>(std::ceil(end)) - 1);
    // Keep all taps inside the source: a footprint near the end starts earlier, with zero weights first.
    const int first = std::min(lo, srcLength - t.taps);
    t.first[i] = first;
    for (int s = lo; s <= hi; ++s) {
      const double cover = std::min<double>(end, s + 1) - std::max<double>(start, s);
      t.weights[static_cast<size_t>(i) * t.taps + (s - first)] = static_cast<float>(cover / scale);
    }
  }
  return t;
}

uint8_t ToByte(float v) { return static_cast<uint8_t>(std::clamp(v + 0.5f, 0.0f, 255.0f)); }

// Box widths (odd) for `passes` boxes approximating a Gaussian of `sigma`.
std::vector<int> BoxWidths(double sigma, int passes) {
  const double ideal = std::sqrt(12.0 * sigma * sigma / passes + 1.0);
  int lower = static_cast<int>(std::floor(ideal));
  if (lower % 2 == 0) --lower;
  const int upper = lower + 2;
  const double m = (12.0 * sigma * sigma - passes * lower * lower - 4.0 * passes * lower - 3.0 * passes) / (-4.0 * lower - 4.0);
  const int lowerCount = static_cast<int>(std::lround(m));
  std::vector<int> widths;
  for (int i = 0; i < passes; ++i) widths.push_back(i < lowerCount ? lower : upper);
  return widths;
}

// sum / window, rounded, as a multiply and a shift (sum <= 255 * window, so 32 bits suffice).
struct Divider {
  explicit Divider(int window) : inverse((65536u + window / 2) / window) {}
  uint8_t operator()(uint32_t sum) const { return static_cast<uint8_t>(std::min<uint32_t>(255, (sum * inverse + 32768u) >> 16)); }
  uint32_t inverse;
};

// A running-sum box of radius r along each row, edges repeated. `src` -> `dst`, RGB.
void BoxRows(const uint8_t* src, uint8_t* dst, int width, int height, int radius) {
  const Divider divide(2 * radius + 1);
  const int last = width - 1;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = src + static_cast<size_t>(y) * width * 3;
    uint8_t* out = dst + static_cast<size_t>(y) * width * 3;
    uint32_t r = 0, g = 0, b = 0;
    for (int x = -radius; x <= radius; ++x) {
      const uint8_t* p = row + std::clamp(x, 0, last) * 3;
      r += p[0];
      g += p[1];
      b += p[2];
    }
    for (int x = 0; x < width; ++x) {
      out[x * 3] = divide(r);
      out[x * 3 + 1] = divide(g);
      out[x * 3 + 2] = divide(b);
      const uint8_t* in = row + std::min(x + radius + 1, last) * 3;
      const uint8_t* gone = row + std::max(x - radius, 0) * 3;
      r += in[0] - gone[0];
      g += in[1] - gone[1];
      b += in[2] - gone[2];
    }
  }
}

// The same along columns, keeping one running sum per column so the rows are read in order (cache-friendly).
void BoxColumns(const uint8_t* src, uint8_t* dst, int width, int height, int radius) {
  const Divider divide(2 * radius + 1);
  const size_t stride = static_cast<size_t>(width) * 3;
  auto row = [&](int y) { return src + static_cast<size_t>(std::clamp(y, 0, height - 1)) * stride; };
  std::vector<uint32_t> sums(stride, 0);
  for (int y = -radius; y <= radius; ++y) {
    const uint8_t* r = row(y);
    for (size_t i = 0; i < stride; ++i) sums[i] += r[i];
  }
  for (int y = 0; y < height; ++y) {
    uint8_t* out = dst + static_cast<size_t>(y) * stride;
    const uint8_t* entering = row(y + radius + 1);
    const uint8_t* leaving = row(y - radius);
    for (size_t i = 0; i < stride; ++i) {
      out[i] = divide(sums[i]);
      sums[i] += static_cast<uint32_t>(entering[i]) - leaving[i];
    }
  }
}

}  // namespace

Size FitWidth(int width, int height, int maxWidth) {
  if (maxWidth <= 0 || width <= maxWidth) return Size{width, height};
  const int outHeight = std::max(1, static_cast<int>(std::lround(static_cast<double>(height) * maxWidth / width)));
  return Size{maxWidth, outHeight};
}

PixelBuffer DownscaleArea(const uint8_t* src, int srcWidth, int srcHeight, int channels, Size out) {
  const Taps columns = AreaTaps(srcWidth, out.width);
  const Taps rows = AreaTaps(srcHeight, out.height);
  PixelBuffer result(static_cast<size_t>(out.width) * out.height * 3);
  // Vertical first: a weighted sum of a few whole source rows is a contiguous loop the compiler vectorises;
  // the horizontal pass then runs once per output row, on floats.
  std::vector<float> line(static_cast<size_t>(srcWidth) * 3);
  const size_t srcStride = static_cast<size_t>(srcWidth) * channels;
  for (int y = 0; y < out.height; ++y) {
    std::fill(line.begin(), line.end(), 0.0f);
    for (int k = 0; k < rows.taps; ++k) {
      const float w = rows.weights[static_cast<size_t>(y) * rows.taps + k];
      if (w == 0.0f) continue;
      const uint8_t* p = src + static_cast<size_t>(rows.first[y] + k) * srcStride;
      if (channels == 3) {
        for (size_t i = 0; i < line.size(); ++i) line[i] += w * p[i];
      } else {
        for (int x = 0; x < srcWidth; ++x) {
          line[x * 3] += w * p[x * 4];
          line[x * 3 + 1] += w * p[x * 4 + 1];
          line[x * 3 + 2] += w * p[x * 4 + 2];
        }
      }
    }
    uint8_t* dst = result.data() + static_cast<size_t>(y) * out.width * 3;
    for (int x = 0; x < out.width; ++x) {
      const float* w = &columns.weights[static_cast<size_t>(x) * columns.taps];
      const float* p = &line[static_cast<size_t>(columns.first[x]) * 3];
      float r = 0, g = 0, b = 0;
      for (int k = 0; k < columns.taps; ++k) {
        r += w[k] * p[k * 3];
        g += w[k] * p[k * 3 + 1];
        b += w[k] * p[k * 3 + 2];
      }
      dst[x * 3] = ToByte(r);
      dst[x * 3 + 1] = ToByte(g);
      dst[x * 3 + 2] = ToByte(b);
    }
  }
  return result;
}

PixelBuffer ToRgb(const uint8_t* src, int width, int height, int channels) {
  const size_t pixels = static_cast<size_t>(width) * height;
  PixelBuffer result(pixels * 3);
  if (channels == 3) {
    std::memcpy(result.data(), src, pixels * 3);
    return result;
  }
  for (size_t i = 0; i < pixels; ++i) std::memcpy(result.data() + i * 3, src + i * channels, 3);
  return result;
}

void GaussianBoxBlur(PixelBuffer& rgb, int width, int height, double sigma) {
  if (sigma <= 0 || width <= 0 || height <= 0) return;
  PixelBuffer scratch(rgb.size());
  for (int boxWidth : BoxWidths(sigma, 3)) {
    const int radius = (boxWidth - 1) / 2;
    BoxRows(rgb.data(), scratch.data(), width, height, radius);
    BoxColumns(scratch.data(), rgb.data(), width, height, radius);
  }
}

}  // namespace worktrace
