#include "codec/image_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bitstream/format.h"
#include "codec/image_header.h"

namespace spix {
namespace {

constexpr uint64_t kMaxImageFileBytes = uint64_t(1) << 30;

std::string ErrnoText() { return std::strerror(errno); }

Status CheckDimensions(const std::string& path, uint64_t w, uint64_t h,
                       uint64_t max_pixels) {
  if (w == 0 || h == 0) {
    return CorruptData("'" + path + "' has a zero image dimension");
  }
  if (w > kMaxDimension || h > kMaxDimension || w * h > max_pixels) {
    return ResourceExhausted(
        "'" + path + "' is " + std::to_string(w) + "x" + std::to_string(h) +
        ", beyond the caps (" + std::to_string(kMaxDimension) + " per side, " +
        std::to_string(max_pixels) + " pixels; see --max-pixels)");
  }
  return OkStatus();
}

// OpenCV's own log lines (multi-line, before spix's one-line error) are off:
// every failure reaches the user as a Status.
void SilenceOpenCv() {
  static const bool silenced = [] {
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    return true;
  }();
  (void)silenced;
}

// libpng and libjpeg print some errors and warnings straight to stderr, not
// through OpenCV's logger; they are dropped while OpenCV decodes, so the user
// sees spix's one line only. fd 2 is process-wide, hence the mutex.
class StderrSilenced {
 public:
  StderrSilenced() : lock_(Mutex()) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, 2);
    if (null >= 0) ::close(null);
  }
  ~StderrSilenced() {
    std::fflush(stderr);
    if (saved_ >= 0) {
      ::dup2(saved_, 2);
      ::close(saved_);
    }
  }
  StderrSilenced(const StderrSilenced&) = delete;
  StderrSilenced& operator=(const StderrSilenced&) = delete;

 private:
  static std::mutex& Mutex() {
    static std::mutex mutex;
    return mutex;
  }
  std::lock_guard<std::mutex> lock_;
  int saved_ = -1;
};

// What is at `path` once symlinks are followed: its resolved name, whether it
// exists, and whether it is something other than a regular file.
struct OutputTarget {
  std::string path;
  bool exists = false;
  bool special = false;
};

StatusOr<OutputTarget> ResolveOutput(const std::string& path) {
  OutputTarget target;
  target.path = path;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return target;  // a new name
  if (S_ISLNK(st.st_mode)) {
    // Written through: the link stays, its target gets the new content.
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) {
      return InvalidArgument("output '" + path +
                             "' is a symlink to nothing that exists");
    }
    target.path = resolved;
    std::free(resolved);
    if (::stat(target.path.c_str(), &st) != 0) {
      return IoError("cannot write '" + path + "': " + ErrnoText());
    }
  }
  target.exists = true;
  target.special = !S_ISREG(st.st_mode);
  return target;
}

// The OpenCV extension an image output name asks for, or why it cannot be
// written.
StatusOr<std::string> WritableExtension(const std::string& path, int channels) {
  const size_t dot = path.find_last_of('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".pnm") ext = channels == 1 ? ".pgm" : ".ppm";
  if (ext == ".ppm" && channels == 1) ext = ".pgm";
  static const char* kWritable[] = {".png", ".ppm", ".pgm",
                                    ".bmp", ".tif", ".tiff"};
  if (std::find(std::begin(kWritable), std::end(kWritable), ext) ==
      std::end(kWritable)) {
    return InvalidArgument("cannot write '" + path +
                           "': use a .png, .ppm, .pgm, .bmp or .tif name");
  }
  return ext;
}

}  // namespace

StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                             uint64_t max_size) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
  // just below like any other non-regular file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open '" + path + "': " + ErrnoText());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError("'" + path + "' is not a regular file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
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
                       const std::vector<uint8_t>& bytes, WriteMode mode) {
  SPIX_ASSIGN_OR_RETURN(OutputTarget target, ResolveOutput(path));
  if (target.special) {
    return InvalidArgument("output '" + path +
                           "' is not a regular file (a directory, device or "
                           "FIFO); it is never replaced");
  }
  if (target.exists && mode == WriteMode::kCreateNew) {
    return InvalidArgument("output '" + path +
                           "' exists; use --force to replace it");
  }
  std::string tmp = target.path + ".tmp-XXXXXX";
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
  if (::close(fd) != 0) {
    const std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return IoError("cannot write '" + path + "': " + why);
  }
  if (mode == WriteMode::kCreateNew) {
    // link() never replaces: of two writers racing to one new name, one wins
    // and the other is told the name exists.
    const int linked = ::link(tmp.c_str(), target.path.c_str());
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (linked != 0 && link_errno == EEXIST) {
      return InvalidArgument("output '" + path +
                             "' exists; use --force to replace it");
    }
    if (linked != 0) {
      return IoError("cannot write '" + path +
                     "': " + std::strerror(link_errno));
    }
    return OkStatus();
  }
  if (::rename(tmp.c_str(), target.path.c_str()) != 0) {
    const std::string why = ErrnoText();
    ::unlink(tmp.c_str());
    return IoError("cannot write '" + path + "': " + why);
  }
  return OkStatus();
}

StatusOr<Image> ReadImage(const std::string& path,
                          std::vector<std::string>* warnings,
                          uint64_t max_pixels) {
  SilenceOpenCv();
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                        ReadFileBytes(path, kMaxImageFileBytes));
  if (bytes.empty()) return CorruptData("'" + path + "' is empty");
  // Every accepted format is peeked: no pixel is decoded before the caps.
  StatusOr<ImageHeader> header = PeekImageHeader(bytes.data(), bytes.size());
  if (!header.ok()) {
    return Status(header.status().code(),
                  "'" + path + "': " + header.status().message());
  }
  SPIX_RETURN_IF_ERROR(
      CheckDimensions(path, header->width, header->height, max_pixels));
  cv::Mat mat;
  try {
    StderrSilenced quiet;
    mat = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    mat.release();
  }
  if (mat.empty()) {
    return CorruptData("'" + path + "' is not an image OpenCV can decode");
  }
  SPIX_RETURN_IF_ERROR(CheckDimensions(path, uint64_t(mat.cols),
                                       uint64_t(mat.rows), max_pixels));
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

Status CheckImageOutputName(const std::string& path) {
  return WritableExtension(path, 3).status();
}

Status WriteImage(const std::string& path, const Image& image, WriteMode mode) {
  SPIX_ASSIGN_OR_RETURN(std::string ext,
                        WritableExtension(path, image.channels));
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
  return WriteFileAtomic(path, encoded, mode);
}

}  // namespace spix
