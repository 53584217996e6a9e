#include "tools/demo/demo_photos.h"

#include <sodium.h>
#include <zlib.h>

#include <cstdint>
#include <vector>

#include "tools/demo/demo_util.h"

namespace weige::demo {

namespace {

constexpr int kWidth = 160;
constexpr int kHeight = 120;

void Put32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// A PNG chunk: length, type, data, CRC-32 of type and data.
void Chunk(std::string* png, const char* type, const std::string& data) {
  Put32(png, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png->append(body);
  Put32(png, static_cast<uint32_t>(
                 crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

struct Rgb {
  uint8_t r, g, b;
};

Rgb Shade(Rgb c, int percent) {
  auto f = [&](uint8_t v) { return static_cast<uint8_t>(v * percent / 100); };
  return {f(c.r), f(c.g), f(c.b)};
}

}  // namespace

Photo MakePhoto(std::string_view label) {
  uint64_t s = HashString(label);
  auto next = [&](int n) { return static_cast<int>(SplitMix64(&s) % static_cast<uint64_t>(n)); };
  const Rgb sky = {static_cast<uint8_t>(120 + next(60)), static_cast<uint8_t>(160 + next(60)), 235};
  const Rgb wall = {static_cast<uint8_t>(150 + next(100)), static_cast<uint8_t>(110 + next(90)),
                    static_cast<uint8_t>(90 + next(80))};
  const Rgb ground = {static_cast<uint8_t>(90 + next(40)), static_cast<uint8_t>(100 + next(50)), 80};
  const Rgb glass = {60, 80, static_cast<uint8_t>(110 + next(60))};
  const int left = 20 + next(40), right = left + 60 + next(60 - left / 2);
  const int top = 15 + next(25), horizon = 92 + next(10);
  const int win = 5 + next(4), gap = 4 + next(4);

  // Filter type 0 rows of RGB.
  std::string raw;
  raw.reserve(static_cast<size_t>(kHeight) * (1 + 3 * kWidth));
  for (int y = 0; y < kHeight; ++y) {
    raw.push_back('\0');
    for (int x = 0; x < kWidth; ++x) {
      Rgb c;
      if (y >= horizon) {
        c = Shade(ground, 100 - (y - horizon));
      } else if (x >= left && x < right && y >= top) {
        const bool window = (x - left) % (win + gap) >= gap && (y - top) % (win + gap) >= gap &&
                            x < right - gap;
        c = window ? glass : wall;
      } else {
        c = Shade(sky, 100 - y / 6);
      }
      raw.push_back(static_cast<char>(c.r));
      raw.push_back(static_cast<char>(c.g));
      raw.push_back(static_cast<char>(c.b));
    }
  }
  uLongf packed_size = compressBound(raw.size());
  std::vector<Bytef> packed(packed_size);
  compress2(packed.data(), &packed_size, reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 9);

  Photo p;
  p.bytes = "\x89PNG\r\n\x1a\n";
  std::string header;
  Put32(&header, kWidth);
  Put32(&header, kHeight);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  Chunk(&p.bytes, "IHDR", header);
  // The label makes each photo's bytes (and so its digest) its own.
  Chunk(&p.bytes, "tEXt", std::string("Comment") + '\0' + "weige demo " + std::string(label));
  Chunk(&p.bytes, "IDAT",
        std::string(reinterpret_cast<const char*>(packed.data()), packed_size));
  Chunk(&p.bytes, "IEND", "");

  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(p.bytes.data()),
                     p.bytes.size());
  static const char kHex[] = "0123456789abcdef";
  p.sha256.reserve(64);
  for (unsigned char b : digest) {
    p.sha256.push_back(kHex[b >> 4]);
    p.sha256.push_back(kHex[b & 15]);
  }
  return p;
}

}  // namespace weige::demo
