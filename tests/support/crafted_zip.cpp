// Hand-made ZIP bytes (APPNOTE 6.3.10 §4.3), for archives no ZIP writer would make.
#include "tests/support/crafted_zip.hpp"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>

namespace parix::testing {
namespace {

void put16(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

std::uint32_t crc_of(const std::string& data) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

struct record {
  std::string name;
  std::uint16_t method;
  std::uint32_t crc, compressed, expanded, offset;
};

std::string local_header(const std::string& name, std::uint16_t method, std::uint32_t crc,
                         std::uint32_t compressed, std::uint32_t expanded) {
  std::string h;
  put32(h, 0x04034b50);
  put16(h, 20);  // version needed
  put16(h, 0);   // flags
  put16(h, method);
  put16(h, 0);     // time
  put16(h, 0x21);  // date: 1980-01-01
  put32(h, crc);
  put32(h, compressed);
  put32(h, expanded);
  put16(h, static_cast<std::uint32_t>(name.size()));
  put16(h, 0);  // extra
  return h + name;
}

std::string central_directory(const std::vector<record>& records, std::uint32_t at) {
  std::string cd;
  for (const auto& r : records) {
    put32(cd, 0x02014b50);
    put16(cd, 20);  // made by
    put16(cd, 20);  // needed
    put16(cd, 0);
    put16(cd, r.method);
    put16(cd, 0);
    put16(cd, 0x21);
    put32(cd, r.crc);
    put32(cd, r.compressed);
    put32(cd, r.expanded);
    put16(cd, static_cast<std::uint32_t>(r.name.size()));
    put16(cd, 0);  // extra
    put16(cd, 0);  // comment
    put16(cd, 0);  // disk
    put16(cd, 0);  // internal attributes
    put32(cd, 0);  // external attributes
    put32(cd, r.offset);
    cd += r.name;
  }
  std::string end;
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, static_cast<std::uint32_t>(records.size()));
  put16(end, static_cast<std::uint32_t>(records.size()));
  put32(end, static_cast<std::uint32_t>(cd.size()));
  put32(end, at);
  put16(end, 0);
  return cd + end;
}

}  // namespace

std::string raw_zip(const std::vector<raw_zip_entry>& entries) {
  std::string body;
  std::vector<record> records;
  for (const auto& e : entries) {
    const auto offset = static_cast<std::uint32_t>(body.size());
    const auto size = static_cast<std::uint32_t>(e.data.size());
    body += local_header(e.local_name, 0, crc_of(e.data), size, size) + e.data;
    records.push_back({e.central_name, 0, crc_of(e.data), size, size, offset});
  }
  return body + central_directory(records, static_cast<std::uint32_t>(body.size()));
}

std::string overlapping_zip(std::size_t count, std::size_t expanded) {
  const std::string zeros(expanded, '\0');
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string packed(deflateBound(&z, static_cast<uLong>(expanded)), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  z.avail_in = static_cast<uInt>(zeros.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = static_cast<uInt>(packed.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  packed.resize(z.total_out);
  deflateEnd(&z);
  const auto crc = crc_of(zeros);
  std::string body = local_header("a.txt", 8, crc, static_cast<std::uint32_t>(packed.size()),
                                  static_cast<std::uint32_t>(expanded)) +
                     packed;
  std::vector<record> records(count,
                              record{"a.txt", 8, crc, static_cast<std::uint32_t>(packed.size()),
                                     static_cast<std::uint32_t>(expanded), 0});
  return body + central_directory(records, static_cast<std::uint32_t>(body.size()));
}

std::string mismatched_name_zip() {
  return raw_zip({{"../../evil.txt", "safe.txt", "hello\n"}});
}

std::string zip_cut_before_central_directory() {
  const std::string zip = raw_zip({{"a.txt", "a.txt", "hello\n"}});
  return zip.substr(0, zip.find("PK\x01\x02"));
}

}  // namespace parix::testing
