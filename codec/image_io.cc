#include "codec/image_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bitstream/format.h"

namespace spix {
namespace {

constexpr uint64_t kMaxImageFileBytes = uint64_t(1) << 30;

uint32_t Be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t Be32(const uint8_t* p) { return Be16(p) << 16 | Be16(p + 2); }
int32_t Le32(const uint8_t* p) {
  return int32_t(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
                 uint32_t(p[3]) << 24);
}

bool PeekJpegSize(const std::vector<uint8_t>& b, uint64_t* w, uint64_t* h) {
  size_t i = 2;
  while (i + 9 < b.size()) {
    if (b[i] != 0xFF) return false;
    const uint8_t marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                     marker != 0xC8 && marker != 0xCC;
    if (sof) {
      *h = Be16(&b[i + 5]);
      *w = Be16(&b[i + 7]);
      return true;
    }
    i += 2 + Be16(&b[i + 2]);
  }
  return false;
}

bool PeekPnmSize(const std::vector<uint8_t>& b, uint64_t* w, uint64_t* h) {
  size_t i = 2;
  uint64_t dims[2];
  for (uint64_t& d : dims) {
    while (i < b.size() && (std::isspace(b[i]) || b[i] == '#')) {
      if (b[i] == '#') {
        while (i < b.size() && b[i] != '\n') ++i;
      } else {
        ++i;
      }
    }
    if (i >= b.size() || !std::isdigit(b[i])) return false;
    d = 0;
    while (i < b.size() && std::isdigit(b[i]) && d < (uint64_t(1) << 40)) {
      d = d * 10 + (b[i++] - '0');
    }
  }
  *w = dims[0];
  *h = dims[1];
  return true;
}

// Dimensions from the header of the common formats, before decoding; false
// when the format is not one of them (OpenCV's own limits then apply).
bool PeekImageSize(const std::vector<uint8_t>& b, uint64_t* w, uint64_t* h) {
  static const uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 24 && std::memcmp(b.data(), kPng, 8) == 0) {
    *w = Be32(&b[16]);
    *h = Be32(&b[20]);
    return true;
  }
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8)
    return PeekJpegSize(b, w, h);
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
    return PeekPnmSize(b, w, h);
  }
  if (b.size() >= 26 && b[0] == 'B' && b[1] == 'M') {
    const int64_t bw = Le32(&b[18]), bh = Le32(&b[22]);
    *w = uint64_t(bw < 0 ? -bw : bw);
    *h = uint64_t(bh < 0 ? -bh : bh);
    return true;
  }
  return false;
}

Status CheckDimensions(const std::string& path, uint64_t w, uint64_t h) {
  if (w == 0 || h == 0) {
    return CorruptData("'" + path + "' has a zero image dimension");
  }
  if (w > kMaxDimension || h > kMaxDimension || w * h > kMaxPixels) {
    return ResourceExhausted("'" + path + "' is " + std::to_string(w) + "x" +
                             std::to_string(h) + ", beyond the caps (" +
                             std::to_string(kMaxDimension) + " per side, " +
                             std::to_string(kMaxPixels) + " pixels)");
  }
  return OkStatus();
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                             uint64_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return IoError("cannot open '" + path + "': " + ErrnoText());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError("'" + path + "' is not a regular file");
  }
  if (uint64_t(st.st_size) > max_size) {
    ::close(fd);
    return ResourceExhausted("'" + path + "' is " + std::to_string(st.st_size) +
                             " bytes, more than the " +
                             std::to_string(max_size) + " allowed");
  }
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return IoError("cannot read '" + path + "': " +
                     (n < 0 ? ErrnoText() : "file shrank while reading"));
    }
    done += size_t(n);
  }
  ::close(fd);
  return bytes;
}

Status WriteFileAtomic(const std::string& path,
                       const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return IoError("cannot write '" + path + "': " + ErrnoText());
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = ErrnoText();
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write '" + path + "': " + why);
    }
    done += size_t(n);
  }
  // mkstemp creates 0600; give the file the usual permissions.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return IoError("cannot write '" + path + "': " + why);
  }
  return OkStatus();
}

StatusOr<Image> ReadImage(const std::string& path,
                          std::vector<std::string>* warnings) {
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                        ReadFileBytes(path, kMaxImageFileBytes));
  if (bytes.empty()) return CorruptData("'" + path + "' is empty");
  uint64_t w = 0, h = 0;
  if (PeekImageSize(bytes, &w, &h)) {
    SPIX_RETURN_IF_ERROR(CheckDimensions(path, w, h));
  }
  cv::Mat mat;
  try {
    mat = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    mat.release();
  }
  if (mat.empty()) {
    return CorruptData("'" + path + "' is not an image OpenCV can decode");
  }
  SPIX_RETURN_IF_ERROR(
      CheckDimensions(path, uint64_t(mat.cols), uint64_t(mat.rows)));
  if (mat.depth() == CV_16U) {
    warnings->push_back("'" + path + "' has 16-bit samples; scaled to 8 bits");
    mat.convertTo(mat, CV_8U, 1.0 / 257.0);
  } else if (mat.depth() != CV_8U) {
    return Unsupported("'" + path +
                       "' has floating-point or signed samples; convert it to "
                       "8-bit first");
  }
  cv::Mat converted;
  switch (mat.channels()) {
    case 1:
      converted = mat;
      break;
    case 2:
      warnings->push_back("'" + path + "' has an alpha channel; it is ignored");
      cv::extractChannel(mat, converted, 0);
      break;
    case 3:
      cv::cvtColor(mat, converted, cv::COLOR_BGR2RGB);
      break;
    case 4:
      warnings->push_back("'" + path + "' has an alpha channel; it is ignored");
      cv::cvtColor(mat, converted, cv::COLOR_BGRA2RGB);
      break;
    default:
      return Unsupported("'" + path + "' has " +
                         std::to_string(mat.channels()) + " channels");
  }
  Image image(converted.cols, converted.rows, converted.channels());
  const size_t row_bytes = size_t(image.width) * image.channels;
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(image.pixel(0, y), converted.ptr(y), row_bytes);
  }
  return image;
}

Status WriteImage(const std::string& path, const Image& image) {
  const size_t dot = path.find_last_of('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".pnm") ext = image.channels == 1 ? ".pgm" : ".ppm";
  if (ext == ".ppm" && image.channels == 1) ext = ".pgm";
  static const char* kWritable[] = {".png", ".ppm", ".pgm",
                                    ".bmp", ".tif", ".tiff"};
  if (std::find(std::begin(kWritable), std::end(kWritable), ext) ==
      std::end(kWritable)) {
    return InvalidArgument("cannot write '" + path +
                           "': use a .png, .ppm, .pgm, .bmp or .tif name");
  }
  cv::Mat mat(image.height, image.width,
              image.channels == 1 ? CV_8UC1 : CV_8UC3,
              const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  if (image.channels == 3) {
    cv::cvtColor(mat, bgr, cv::COLOR_RGB2BGR);
  } else {
    bgr = mat;
  }
  std::vector<uint8_t> encoded;
  try {
    if (!cv::imencode(ext, bgr, encoded)) {
      return IoError("OpenCV could not encode '" + path + "'");
    }
  } catch (const cv::Exception&) {
    return IoError("OpenCV could not encode '" + path + "'");
  }
  return WriteFileAtomic(path, encoded);
}

}  // namespace spix
