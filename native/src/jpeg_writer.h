// RGB pixels -> baseline JPEG bytes in memory with libjpeg(-turbo). No file, no metadata (no JFIF
// comment, EXIF or ICC: only the JFIF header libjpeg always writes).
#pragma once

#include <cstddef>
#include <cstdint>

#include "pixel_buffer.h"

namespace worktrace {

// The JPEG is the first *size bytes of the returned buffer. Throws NativeError ERR_ENCODE when libjpeg
// reports an error (its default handler would exit()).
PixelBuffer EncodeJpeg(const uint8_t* rgb, int width, int height, int quality, size_t* size);

}  // namespace worktrace
