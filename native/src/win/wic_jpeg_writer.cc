// EncodeJpeg (../jpeg_writer.h) on Windows, with the Windows Imaging Component's JPEG encoder.
//
// Why WIC and not libjpeg built for win32: WIC is part of every Windows since Vista (and of Wine), so the
// prebuilt addon carries no third-party code and loads with system DLLs only, and nothing needs rebuilding
// when a libjpeg security fix ships: Windows Update brings it. What stays shared with X11 is everything
// before the codec (area-average downscale and blur, image_ops.cc), so both platforms make the same image;
// the codec differs only in its quantisation rounding (YCbCr 4:2:0 and a quality-scaled table on both).
#include <windows.h>
#include <wincodec.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../jpeg_writer.h"
#include "../native_error.h"

namespace worktrace {
namespace {

// Owns one COM interface pointer.
template <typename T>
class ComRef {
 public:
  ComRef() = default;
  ~ComRef() {
    if (p_ != nullptr) p_->Release();
  }
  ComRef(const ComRef&) = delete;
  ComRef& operator=(const ComRef&) = delete;
  T** out() { return &p_; }
  T* operator->() const { return p_; }
  T* get() const { return p_; }

 private:
  T* p_ = nullptr;
};

// COM on this thread for the length of one encode. libuv's pool threads are plain threads: the first encode
// on each joins the multithreaded apartment. A thread that is already in an apartment (RPC_E_CHANGED_MODE)
// is used as it is; WIC's factory works in either.
class ComApartment {
 public:
  ComApartment() : result_(CoInitializeEx(nullptr, COINIT_MULTITHREADED)) {}
  ~ComApartment() {
    if (SUCCEEDED(result_)) CoUninitialize();
  }

 private:
  HRESULT result_;
};

void Check(HRESULT result, const char* what) {
  if (FAILED(result)) {
    char code[16];
    std::snprintf(code, sizeof(code), "0x%08lX", static_cast<unsigned long>(result));
    throw NativeError("ERR_ENCODE", std::string("JPEG encoding failed: ") + what + " (HRESULT " + code + ")");
  }
}

// Writes one encoder option; an option this WIC does not know is left at its default rather than failing.
void WriteOption(IPropertyBag2* options, const wchar_t* name, VARTYPE type, float real, BYTE byte) {
  PROPBAG2 option{};
  option.pstrName = const_cast<LPOLESTR>(name);
  VARIANT value{};
  value.vt = type;
  if (type == VT_R4) value.fltVal = real;
  if (type == VT_UI1) value.bVal = byte;
  options->Write(1, &option, &value);
}

// Rows handed to WIC per call: WIC wants B,G,R; a strip is swizzled into this much scratch at a time.
constexpr int kStripRows = 64;

}  // namespace

PixelBuffer EncodeJpeg(const uint8_t* rgb, int width, int height, int quality, size_t* size) {
  *size = 0;
  ComApartment apartment;
  ComRef<IWICImagingFactory> factory;
  Check(CoCreateInstance(CLSID_WICImagingFactory, nullptr, CLSCTX_INPROC_SERVER, IID_PPV_ARGS(factory.out())),
        "no Windows Imaging Component");
  // Page-mapped like the libjpeg path: more than any JPEG of the image can need, only written pages resident.
  PixelBuffer buffer(static_cast<size_t>(width) * height * 3 + (1u << 20));
  ComRef<IWICStream> stream;
  Check(factory->CreateStream(stream.out()), "CreateStream");
  Check(stream->InitializeFromMemory(buffer.data(), static_cast<DWORD>(buffer.size())), "InitializeFromMemory");
  ComRef<IWICBitmapEncoder> encoder;
  Check(factory->CreateEncoder(GUID_ContainerFormatJpeg, nullptr, encoder.out()), "CreateEncoder(JPEG)");
  Check(encoder->Initialize(stream.get(), WICBitmapEncoderNoCache), "encoder Initialize");
  ComRef<IWICBitmapFrameEncode> frame;
  ComRef<IPropertyBag2> options;
  Check(encoder->CreateNewFrame(frame.out(), options.out()), "CreateNewFrame");
  WriteOption(options.get(), L"ImageQuality", VT_R4, static_cast<float>(quality) / 100.0f, 0);
  WriteOption(options.get(), L"JpegYCrCbSubsampling", VT_UI1, 0, WICJpegYCrCbSubsampling420);  // as libjpeg's default
  Check(frame->Initialize(options.get()), "frame Initialize");
  Check(frame->SetSize(static_cast<UINT>(width), static_cast<UINT>(height)), "SetSize");
  WICPixelFormatGUID format = GUID_WICPixelFormat24bppBGR;
  Check(frame->SetPixelFormat(&format), "SetPixelFormat");
  if (!IsEqualGUID(format, GUID_WICPixelFormat24bppBGR)) {
    throw NativeError("ERR_ENCODE", "JPEG encoding failed: the encoder does not take 24-bit BGR pixels");
  }
  const size_t stride = static_cast<size_t>(width) * 3;
  std::vector<uint8_t> strip(stride * kStripRows);
  for (int y = 0; y < height; y += kStripRows) {
    const int rows = std::min(kStripRows, height - y);
    const uint8_t* from = rgb + static_cast<size_t>(y) * stride;
    for (size_t i = 0; i < stride * rows; i += 3) {
      strip[i] = from[i + 2];
      strip[i + 1] = from[i + 1];
      strip[i + 2] = from[i];
    }
    Check(frame->WritePixels(static_cast<UINT>(rows), static_cast<UINT>(stride), static_cast<UINT>(stride * rows), strip.data()),
          "WritePixels");
  }
  Check(frame->Commit(), "frame Commit");
  Check(encoder->Commit(), "encoder Commit");
  ULARGE_INTEGER end{};
  Check(stream->Seek(LARGE_INTEGER{}, STREAM_SEEK_CUR, &end), "Seek");
  *size = static_cast<size_t>(end.QuadPart);
  return buffer;
}

}  // namespace worktrace
