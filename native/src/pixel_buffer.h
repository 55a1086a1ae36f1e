// A page-mapped pixel buffer. Screens are megabytes: with malloc, glibc keeps freed blocks of that size in
// the arena of whichever thread freed them (the encoder runs on libuv's pool threads), so resident memory
// grows by a screen per pool thread and stays there. mmap/munmap hands the pages back at once (on Windows
// VirtualAlloc/VirtualFree, the same pages-from-the-OS contract).
#pragma once

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/mman.h>
#endif

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace worktrace {

class PixelBuffer {
 public:
  PixelBuffer() = default;
  explicit PixelBuffer(size_t bytes) : size_(bytes) {
    if (bytes == 0) return;
#ifdef _WIN32
    void* p = VirtualAlloc(nullptr, bytes, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (p == nullptr) throw std::bad_alloc();
#else
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#endif
    data_ = static_cast<uint8_t*>(p);
  }
  ~PixelBuffer() { Release(); }
  PixelBuffer(PixelBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  PixelBuffer& operator=(PixelBuffer&& other) noexcept {
    if (this != &other) {
      Release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  PixelBuffer(const PixelBuffer&) = delete;
  PixelBuffer& operator=(const PixelBuffer&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void Release() {
#ifdef _WIN32
    if (data_ != nullptr) VirtualFree(data_, 0, MEM_RELEASE);
#else
    if (data_ != nullptr) munmap(data_, size_);
#endif
    data_ = nullptr;
    size_ = 0;
  }
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace worktrace
