// RGB pixels -> baseline JPEG bytes in memory with libjpeg(-turbo). No file, no metadata (no JFIF
// comment, EXIF or ICC: only the JFIF header libjpeg always writes).
#pragma once

#include <cstdint>
#include <vector>

namespace worktrace {

// Throws NativeError ERR_ENCODE when libjpeg reports an error (its default handler would exit()).
std::vector<uint8_t> EncodeJpeg(const uint8_t* rgb, int width, int height, int quality);

}  // namespace worktrace
