#include "image_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace worktrace {
namespace {

// One output sample's footprint on the source axis: source indices [first, first + weights.size())
// with their coverage, which sums to 1.
struct Footprint {
  int first = 0;
  std::vector<float> weights;
};

// Output pixel i covers source [i * scale, (i + 1) * scale). Pixels cut by either edge count for the
// part they cover.
std::vector<Footprint> Footprints(int srcLength, int outLength) {
  const double scale = static_cast<double>(srcLength) / outLength;
  std::vector<Footprint> result(outLength);
  for (int i = 0; i < outLength; ++i) {
    const double start = i * scale;
    const double end = std::min<double>(srcLength, (i + 1) * scale);
    const int first = static_cast<int>(std::floor(start));
    const int last = std::min(srcLength - 1, static_cast<int>(std::ceil(end)) - 1);
    Footprint& f = result[i];
    f.first = first;
    for (int s = first; s <= last; ++s) {
      const double cover = std::min<double>(end, s + 1) - std::max<double>(start, s);
      f.weights.push_back(static_cast<float>(cover / scale));
    }
  }
  return result;
}

// Horizontal pass of one source row into `out` (outWidth * 3 floats).
void ResampleRow(const uint8_t* row, int channels, const std::vector<Footprint>& columns, float* out) {
  for (size_t x = 0; x < columns.size(); ++x) {
    const Footprint& f = columns[x];
    float r = 0, g = 0, b = 0;
    const uint8_t* p = row + static_cast<size_t>(f.first) * channels;
    for (float w : f.weights) {
      r += w * p[0];
      g += w * p[1];
      b += w * p[2];
      p += channels;
    }
    out[x * 3] = r;
    out[x * 3 + 1] = g;
    out[x * 3 + 2] = b;
  }
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

// A running-sum box of radius r along rows (each row independently), edges repeated. `src` -> `dst`.
void BoxRows(const uint8_t* src, uint8_t* dst, int width, int height, int radius) {
  const int window = 2 * radius + 1;
  const int half = window / 2;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = src + static_cast<size_t>(y) * width * 3;
    uint8_t* out = dst + static_cast<size_t>(y) * width * 3;
    for (int c = 0; c < 3; ++c) {
      auto at = [&](int x) { return static_cast<int>(row[std::clamp(x, 0, width - 1) * 3 + c]); };
      int sum = 0;
      for (int x = -radius; x <= radius; ++x) sum += at(x);
      for (int x = 0; x < width; ++x) {
        out[x * 3 + c] = static_cast<uint8_t>((sum + half) / window);
        sum += at(x + radius + 1) - at(x - radius);
      }
    }
  }
}

// The same along columns, keeping one running sum per column so the rows are read in order (cache-friendly).
void BoxColumns(const uint8_t* src, uint8_t* dst, int width, int height, int radius) {
  const int window = 2 * radius + 1;
  const int half = window / 2;
  const size_t stride = static_cast<size_t>(width) * 3;
  auto row = [&](int y) { return src + static_cast<size_t>(std::clamp(y, 0, height - 1)) * stride; };
  std::vector<int> sums(stride, 0);
  for (int y = -radius; y <= radius; ++y) {
    const uint8_t* r = row(y);
    for (size_t i = 0; i < stride; ++i) sums[i] += r[i];
  }
  for (int y = 0; y < height; ++y) {
    uint8_t* out = dst + static_cast<size_t>(y) * stride;
    const uint8_t* entering = row(y + radius + 1);
    const uint8_t* leaving = row(y - radius);
    for (size_t i = 0; i < stride; ++i) {
      out[i] = static_cast<uint8_t>((sums[i] + half) / window);
      sums[i] += entering[i] - leaving[i];
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
  const std::vector<Footprint> columns = Footprints(srcWidth, out.width);
  const std::vector<Footprint> rows = Footprints(srcHeight, out.height);
  PixelBuffer result(static_cast<size_t>(out.width) * out.height * 3);
  std::vector<float> line(static_cast<size_t>(out.width) * 3);
  std::vector<float> acc(line.size());
  const size_t srcStride = static_cast<size_t>(srcWidth) * channels;
  for (int y = 0; y < out.height; ++y) {
    // A source row on the boundary of two output rows is resampled twice: simpler than caching it, and
    // the horizontal pass is the cheap one.
    std::fill(acc.begin(), acc.end(), 0.0f);
    const Footprint& f = rows[y];
    for (size_t k = 0; k < f.weights.size(); ++k) {
      ResampleRow(src + (f.first + k) * srcStride, channels, columns, line.data());
      const float w = f.weights[k];
      for (size_t i = 0; i < acc.size(); ++i) acc[i] += w * line[i];
    }
    uint8_t* dst = result.data() + static_cast<size_t>(y) * out.width * 3;
    for (size_t i = 0; i < acc.size(); ++i) dst[i] = ToByte(acc[i]);
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
