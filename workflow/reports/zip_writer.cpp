// Writing a ZIP archive in memory with zlib's raw deflate.
#include "workflow/reports/zip_writer.hpp"

#include <algorithm>
#include <stdexcept>

namespace parix::workflow {
namespace {

// Text is handed to zlib in slices of at most this size (its counters are 32-bit).
constexpr std::size_t slice = 1 << 20;
constexpr std::uint16_t dos_date_1980_01_01 = (0 << 9) | (1 << 5) | 1;
constexpr std::uint16_t method_deflate = 8;
constexpr std::uint16_t version_deflate = 20, version_zip64 = 45;
constexpr std::uint16_t zip64_extra_id = 1;

void u16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}

void u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// A 32-bit field, or the marker that sends the reader to the ZIP64 extra field.
std::uint32_t field32(std::uint64_t v, bool in_zip64) {
  return in_zip64 ? 0xFFFFFFFF : static_cast<std::uint32_t>(v);
}

}  // namespace

deflate_piece::deflate_piece(int level) {
  // Negative window bits: raw deflate, no zlib header or trailer (ZIP keeps its own CRC).
  if (deflateInit2(&z_, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zip: cannot start deflate");
}

deflate_piece::~deflate_piece() {
  deflateEnd(&z_);
}

void deflate_piece::deflate_some(int flush) {
  // Compresses z_'s input into out_, growing it; with Z_SYNC_FLUSH or Z_FINISH until all
  // of it is out.
  for (;;) {
    const std::size_t used = out_.size();
    const std::size_t room = std::max<std::size_t>(z_.avail_in / 2 + 64, 1 << 16);
    out_.resize(used + room);
    z_.next_out = reinterpret_cast<Bytef*>(out_.data() + used);
    z_.avail_out = static_cast<uInt>(room);
    const int rc = ::deflate(&z_, flush);
    out_.resize(used + room - z_.avail_out);
    if (rc == Z_STREAM_END) return;
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("zip: deflate failed");
    if (z_.avail_in == 0 && (flush == Z_NO_FLUSH || z_.avail_out != 0)) return;
  }
}

void deflate_piece::write(std::string_view text) {
  while (!text.empty()) {
    const auto n = std::min(text.size(), slice);
    crc_ = static_cast<std::uint32_t>(
        crc32(crc_, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(n)));
    size_ += n;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(n);
    deflate_some(Z_NO_FLUSH);
    text.remove_prefix(n);
  }
}

void deflate_piece::end(bool last) {
  z_.next_in = nullptr;
  z_.avail_in = 0;
  deflate_some(last ? Z_FINISH : Z_SYNC_FLUSH);
}

zip_writer::zip_writer(int level, std::uint64_t zip64_from)
    : level_(level), zip64_from_(zip64_from) {}

void zip_writer::add(std::string_view name, std::string_view text, placement where) {
  deflate_piece piece{level_};
  piece.write(text);
  piece.end(true);
  add(name, {&piece}, where);
}

void zip_writer::add(std::string_view name, std::initializer_list<const deflate_piece*> pieces,
                     placement where) {
  std::string& out = where == placement::first ? first_ : rest_;
  entry e{std::string{name}, 0, 0, 0, out.size(), where == placement::first};
  for (const auto* p : pieces) {
    // crc32_combine: the CRC of the joined text from the CRCs of its parts.
    e.crc =
        static_cast<std::uint32_t>(crc32_combine(e.crc, p->crc(), static_cast<z_off_t>(p->size())));
    e.compressed += p->compressed().size();
    e.size += p->size();
  }
  const bool zip64 = e.size >= zip64_from_ || e.compressed >= zip64_from_;
  u32(out, 0x04034b50);  // local file header
  u16(out, zip64 ? version_zip64 : version_deflate);
  u16(out, 0);  // flags: the sizes are known, no data descriptor
  u16(out, method_deflate);
  u16(out, 0);  // time 00:00
  u16(out, dos_date_1980_01_01);
  u32(out, e.crc);
  u32(out, field32(e.compressed, zip64));
  u32(out, field32(e.size, zip64));
  u16(out, static_cast<std::uint16_t>(e.name.size()));
  u16(out, zip64 ? 20 : 0);
  out += e.name;
  if (zip64) {  // a local header's ZIP64 field holds both sizes (APPNOTE 4.5.3)
    u16(out, zip64_extra_id);
    u16(out, 16);
    u64(out, e.size);
    u64(out, e.compressed);
  }
  for (const auto* p : pieces) out += p->compressed();
  entries_.push_back(std::move(e));
}

std::string zip_writer::finish() {
  // The entries asked for first, then the others, moved along by the first ones' bytes.
  for (auto& e : entries_) {
    if (!e.first) e.offset += first_.size();
  }
  std::stable_partition(entries_.begin(), entries_.end(), [](const entry& e) { return e.first; });
  std::string out = std::move(first_);
  out += rest_;
  rest_ = {};
  const std::uint64_t directory_offset = out.size();
  for (const auto& e : entries_) {
    const bool big_size = e.size >= zip64_from_ || e.compressed >= zip64_from_;
    const bool big_offset = e.offset >= zip64_from_;
    // The central directory's ZIP64 field holds only the values that do not fit.
    std::string extra;
    if (big_size) {
      u64(extra, e.size);
      u64(extra, e.compressed);
    }
    if (big_offset) u64(extra, e.offset);
    u32(out, 0x02014b50);
    u16(out, (3 << 8) | version_zip64);  // made by: UNIX, APPNOTE 4.5
    u16(out, extra.empty() ? version_deflate : version_zip64);
    u16(out, 0);
    u16(out, method_deflate);
    u16(out, 0);
    u16(out, dos_date_1980_01_01);
    u32(out, e.crc);
    u32(out, field32(e.compressed, big_size));
    u32(out, field32(e.size, big_size));
    u16(out, static_cast<std::uint16_t>(e.name.size()));
    u16(out, static_cast<std::uint16_t>(extra.empty() ? 0 : extra.size() + 4));
    u16(out, 0);               // comment
    u16(out, 0);               // disk
    u16(out, 0);               // internal attributes
    u32(out, 0100644u << 16);  // external attributes: a regular file, rw-r--r--
    u32(out, field32(e.offset, big_offset));
    out += e.name;
    if (!extra.empty()) {
      u16(out, zip64_extra_id);
      u16(out, static_cast<std::uint16_t>(extra.size()));
      out += extra;
    }
  }
  const std::uint64_t directory_size = out.size() - directory_offset;
  const bool zip64 =
      entries_.size() >= 0xFFFF || directory_offset >= zip64_from_ || directory_size >= zip64_from_;
  if (zip64) {
    const std::uint64_t record_offset = out.size();
    u32(out, 0x06064b50);  // ZIP64 end of central directory record
    u64(out, 44);
    u16(out, (3 << 8) | version_zip64);
    u16(out, version_zip64);
    u32(out, 0);
    u32(out, 0);
    u64(out, entries_.size());
    u64(out, entries_.size());
    u64(out, directory_size);
    u64(out, directory_offset);
    u32(out, 0x07064b50);  // its locator
    u32(out, 0);
    u64(out, record_offset);
    u32(out, 1);
  }
  const auto count = static_cast<std::uint16_t>(zip64 ? 0xFFFF : entries_.size());
  u32(out, 0x06054b50);  // end of central directory
  u16(out, 0);
  u16(out, 0);
  u16(out, count);
  u16(out, count);
  u32(out, field32(directory_size, zip64));
  u32(out, field32(directory_offset, zip64));
  u16(out, 0);
  return out;
}

}  // namespace parix::workflow
