// Pixel work for the screenshot encoder, on tightly packed 8-bit RGB: area-average downscale and a
// Gaussian-like blur from three box passes. Pure functions of their input: no X, no JS, any thread.
#pragma once

#include <cstdint>

#include "pixel_buffer.h"

namespace worktrace {

struct Size {
  int width = 0;
  int height = 0;
};

// The output size for a screen `width` x `height` no wider than `maxWidth` (never enlarged; aspect kept,
// height rounded, at least 1).
Size FitWidth(int width, int height, int maxWidth);

// Area averaging (a box filter whose support is exactly one output pixel's footprint in the source, with
// fractional edge weights): every source pixel counts in proportion to the area it covers, so thin text
// strokes darken their output pixel instead of vanishing or aliasing. `channels` is 3 or 4 in the
// source; the output is always RGB.
PixelBuffer DownscaleArea(const uint8_t* src, int srcWidth, int srcHeight, int channels, Size out);

// Copies `src` (channels 3 or 4) into a new RGB buffer: the no-resize case.
PixelBuffer ToRgb(const uint8_t* src, int width, int height, int channels);

// Three successive box blurs whose widths are chosen so that their variance equals a Gaussian of
// `sigma` (W. Wells 1986; the widths as in Kutskir's "Fastest Gaussian blur"). Edges repeat the border
// pixel, as libvips does. In place, O(pixels) whatever sigma is.
void GaussianBoxBlur(PixelBuffer& rgb, int width, int height, double sigma);

}  // namespace worktrace
