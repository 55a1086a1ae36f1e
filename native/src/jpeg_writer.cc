#include "jpeg_writer.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstdlib>
#include <string>

#include <jpeglib.h>

#include "x_errors.h"

namespace worktrace {
namespace {

// libjpeg's default error_exit prints and calls exit(). This one jumps back to EncodeJpeg, which turns
// the message into a NativeError once it is out of libjpeg's frames (no C++ unwinding through C).
struct ErrorManager {
  jpeg_error_mgr base;
  jmp_buf back;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr cinfo) {
  auto* manager = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, manager->message);
  longjmp(manager->back, 1);
}

void Quiet(j_common_ptr, int) {}  // warnings (e.g. corrupt data) are not ours to print

// Plain C-style body between setjmp and the jump: nothing here has a destructor to skip.
bool Compress(const uint8_t* rgb, int width, int height, int quality, unsigned char** out, unsigned long* size,
              ErrorManager* errors) {
  jpeg_compress_struct cinfo;
  cinfo.err = jpeg_std_error(&errors->base);
  errors->base.error_exit = OnJpegError;
  errors->base.emit_message = Quiet;
  if (setjmp(errors->back) != 0) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);  // YCbCr 4:2:0, as sharp writes by default
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.optimize_coding = TRUE;  // Huffman tables fitted to the image: ~5-10% fewer bytes, as sharp does
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = static_cast<size_t>(width) * 3;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

std::vector<uint8_t> EncodeJpeg(const uint8_t* rgb, int width, int height, int quality) {
  unsigned char* bytes = nullptr;
  unsigned long size = 0;
  ErrorManager errors{};
  const bool ok = Compress(rgb, width, height, quality, &bytes, &size, &errors);
  std::vector<uint8_t> result;
  if (ok && bytes != nullptr) result.assign(bytes, bytes + size);
  std::free(bytes);  // jpeg_mem_dest's buffer is malloc'd and ours to free, even after an error
  if (!ok) throw NativeError("ERR_ENCODE", std::string("JPEG encoding failed: ") + errors.message);
  return result;
}

}  // namespace worktrace
