#include "jpeg_writer.h"

#include <sys/mman.h>

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstdlib>
#include <string>

#include <jpeglib.h>
#include <jerror.h>

#include "pixel_buffer.h"
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

// The compressed bytes go into page-mapped memory rather than jpeg_mem_dest's malloc'd buffer: this runs
// on libuv's pool threads, and glibc keeps what such a thread freed in that thread's arena (malloc_trim
// cannot shrink a thread arena's top), about the size of the JPEG per pool thread, for good. The mapping
// reserves more than any JPEG of the image can need; only the pages written become resident.
struct MappedDestination {
  jpeg_destination_mgr base;
  PixelBuffer* buffer;
};

void InitDestination(j_compress_ptr cinfo) {
  auto* dest = reinterpret_cast<MappedDestination*>(cinfo->dest);
  dest->base.next_output_byte = dest->buffer->data();
  dest->base.free_in_buffer = dest->buffer->size();
}

boolean FullDestination(j_compress_ptr cinfo) {
  // Cannot happen with the reserve below (3 bytes per pixel + 1 MiB); say so rather than write past it.
  cinfo->err->msg_code = JERR_BUFFER_SIZE;
  (*cinfo->err->error_exit)(reinterpret_cast<j_common_ptr>(cinfo));
  return FALSE;
}

void TermDestination(j_compress_ptr) {}

// Plain C-style body between setjmp and the jump: nothing here has a destructor to skip.
bool Compress(const uint8_t* rgb, int width, int height, int quality, MappedDestination* dest, size_t* size,
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
  dest->base.init_destination = InitDestination;
  dest->base.empty_output_buffer = FullDestination;
  dest->base.term_destination = TermDestination;
  cinfo.dest = &dest->base;
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);  // YCbCr 4:2:0, as sharp writes by default
  jpeg_set_quality(&cinfo, quality, TRUE);
  // optimize_coding stays off: it makes libjpeg keep the whole image's coefficients (~2.8 MB at 1280x720)
  // in malloc'd memory for a second pass, which a pool thread's arena then keeps (see above). It would save
  // ~5-10% of the bytes.
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = static_cast<size_t>(width) * 3;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  *size = dest->buffer->size() - dest->base.free_in_buffer;
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

PixelBuffer EncodeJpeg(const uint8_t* rgb, int width, int height, int quality, size_t* size) {
  PixelBuffer buffer(static_cast<size_t>(width) * height * 3 + (1u << 20));
  MappedDestination dest{};
  dest.buffer = &buffer;
  ErrorManager errors{};
  *size = 0;
  if (!Compress(rgb, width, height, quality, &dest, size, &errors)) {
    throw NativeError("ERR_ENCODE", std::string("JPEG encoding failed: ") + errors.message);
  }
  return buffer;
}

}  // namespace worktrace
