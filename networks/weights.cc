#include "networks/weights.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace spix {
namespace {

constexpr uint64_t kMaxHeaderBytes = 1 << 20;
constexpr int64_t kMaxTensorElements = int64_t(1) << 28;
constexpr uint64_t kMaxWeightFileBytes = uint64_t(1) << 31;

// Like ReadFileBytes in codec/image_io.cc (this library stands alone): a FIFO
// or device is refused without blocking on it.
StatusOr<std::vector<uint8_t>> ReadRegularFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return IoError("cannot open weight file " + path + ": " +
                   std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      uint64_t(st.st_size) > kMaxWeightFileBytes) {
    ::close(fd);
    return CorruptData(path + ": not a regular file of at most 2 GiB");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return IoError("cannot read weight file " + path);
    }
    done += size_t(n);
  }
  ::close(fd);
  return bytes;
}

// A JSON array of unsigned integers up to `max`. JSON numbers too large for
// an integer arrive as doubles, and converting those is undefined, so
// every element is checked before it is read.
bool UnsignedList(const nlohmann::ordered_json& value, uint64_t max,
                  std::vector<uint64_t>* out) {
  if (!value.is_array()) return false;
  for (const auto& element : value) {
    if (!element.is_number_unsigned()) return false;
    const uint64_t v = element.get<uint64_t>();
    if (v > max) return false;
    out->push_back(v);
  }
  return true;
}

}  // namespace

Sha256Digest Sha256(const uint8_t* data, size_t size) {
  Sha256Digest digest;
  SHA256(data, size, digest.data());
  return digest;
}

std::string HexString(const uint8_t* data, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < size; ++i) {
    s += kHex[data[i] >> 4];
    s += kHex[data[i] & 15];
  }
  return s;
}

std::vector<uint8_t> SerializeWeights(const WeightFile& file) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"network", file.network},
                            {"version", std::to_string(file.version)}};
  uint64_t offset = 0;
  for (const NamedTensor& t : file.tensors) {
    const uint64_t bytes = t.values.size() * sizeof(float);
    header[t.name] = {{"dtype", "F32"},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  // Safetensors pads the header with spaces so the data is 8-byte aligned.
  while (text.size() % 8) text += ' ';
  std::vector<uint8_t> out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(uint8_t(uint64_t(text.size()) >> (8 * i)));
  }
  out.insert(out.end(), text.begin(), text.end());
  for (const NamedTensor& t : file.tensors) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(t.values.data());
    out.insert(out.end(), bytes, bytes + t.values.size() * sizeof(float));
  }
  return out;
}

StatusOr<WeightFile> ParseWeights(const uint8_t* data, size_t size) {
  if (size < 8) return CorruptData("weight file too short");
  uint64_t header_size = 0;
  for (int i = 0; i < 8; ++i) header_size |= uint64_t(data[i]) << (8 * i);
  if (header_size > kMaxHeaderBytes || header_size > size - 8) {
    return CorruptData("weight file header length is invalid");
  }
  const uint8_t* payload = data + 8 + header_size;
  const uint64_t payload_size = size - 8 - header_size;
  // Ordered, so tensors come back in the order they were written.
  nlohmann::ordered_json header = nlohmann::ordered_json::parse(
      data + 8, data + 8 + header_size, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return CorruptData("weight file header is not JSON");

  WeightFile file;
  try {
    const auto& meta = header.at("__metadata__");
    file.network = meta.at("network").get<std::string>();
    file.version = std::stoi(meta.at("version").get<std::string>());
    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") continue;
      if (entry.at("dtype").get<std::string>() != "F32") {
        return CorruptData("tensor " + name + " is not F32");
      }
      NamedTensor t;
      t.name = name;
      std::vector<uint64_t> dims;
      if (!UnsignedList(entry.at("shape"), uint64_t(kMaxTensorElements),
                        &dims)) {
        return CorruptData("tensor " + name + " has an invalid shape");
      }
      int64_t elements = 1;
      for (uint64_t d : dims) {
        t.shape.push_back(int64_t(d));
        elements *= int64_t(d);
        if (elements > kMaxTensorElements) {
          return CorruptData("tensor " + name + " is too large");
        }
      }
      std::vector<uint64_t> offsets;
      if (!UnsignedList(entry.at("data_offsets"), payload_size, &offsets) ||
          offsets.size() != 2 || offsets[0] > offsets[1] ||
          offsets[1] > payload_size ||
          offsets[1] - offsets[0] != uint64_t(elements) * sizeof(float)) {
        return CorruptData("tensor " + name + " has invalid data offsets");
      }
      t.values.resize(size_t(elements));
      // An empty tensor's data() may be null, which memcpy must not get.
      if (elements > 0) {
        std::memcpy(t.values.data(), payload + offsets[0],
                    size_t(elements) * sizeof(float));
      }
      // A NaN or infinity would run through every forward pass silently.
      if (!std::all_of(t.values.begin(), t.values.end(),
                       [](float v) { return std::isfinite(v); })) {
        return CorruptData("tensor " + name + " has a NaN or infinite value");
      }
      file.tensors.push_back(std::move(t));
    }
  } catch (const std::exception&) {
    return CorruptData("weight file header is missing fields");
  }
  return file;
}

StatusOr<WeightFile> ReadWeightFile(const std::string& path,
                                    Sha256Digest* digest) {
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadRegularFile(path));
  if (digest) *digest = Sha256(bytes.data(), bytes.size());
  StatusOr<WeightFile> file = ParseWeights(bytes.data(), bytes.size());
  if (!file.ok()) return CorruptData(path + ": " + file.status().message());
  return file;
}

Status WriteWeightFile(const std::string& path, const WeightFile& file) {
  const std::vector<uint8_t> bytes = SerializeWeights(file);
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              std::streamsize(bytes.size()));
    if (!out.flush()) {
      std::remove(temp.c_str());
      return IoError("cannot write " + temp);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return IoError("cannot rename " + temp + " to " + path);
  }
  return OkStatus();
}

}  // namespace spix
