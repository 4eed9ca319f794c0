// A ZIP archive (PKWARE APPNOTE 6.3) built in memory, its entries deflated with zlib:
// the container of an XLSX workbook. An entry may be made of pieces deflated one after
// another and in any order (a sheet's rows first, then its head, which needs the column
// widths found while writing the rows); the pieces are joined into one deflate stream,
// so no piece's uncompressed text is ever held whole. ZIP64 fields are written only
// where a size or an offset needs them. Every entry is dated 1980-01-01 (the earliest DOS
// date): the same tables give the same bytes, and workflow code reads no clock.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace parix::workflow {

// Raw deflate of text appended in any amount. Move-only. Throws std::runtime_error when
// zlib fails (it can only run out of memory). Not thread-safe; one per thread.
class deflate_piece {
 public:
  explicit deflate_piece(int level);
  deflate_piece(deflate_piece&&) = delete;
  ~deflate_piece();

  void write(std::string_view text);
  // Ends the piece: `last` ends the entry's deflate stream, otherwise the piece ends on
  // a byte boundary (an empty stored block) so that another may follow it.
  void end(bool last);

  const std::string& compressed() const noexcept { return out_; }
  std::uint32_t crc() const noexcept { return crc_; }
  std::uint64_t size() const noexcept { return size_; }

 private:
  void deflate_some(int flush);

  z_stream z_{};
  std::string out_;
  std::uint32_t crc_ = 0;
  std::uint64_t size_ = 0;
};

class zip_writer {
 public:
  // zip64_from: the size or offset from which ZIP64 fields are used; tests lower it.
  explicit zip_writer(int level, std::uint64_t zip64_from = 0xFFFFFFFF);

  // Where an entry goes: after those added before, or before every `in_turn` one. Tools
  // that guess a file's type from its first entry (file(1)) want "[Content_Types].xml"
  // first, and it lists the sheets, known only once they are written.
  enum class placement { in_turn, first };

  // An entry of text deflated whole (the small parts of a workbook).
  void add(std::string_view name, std::string_view text, placement where = placement::in_turn);
  // An entry of pieces, each ended, only the final one with last = true, in the order
  // they are read.
  void add(std::string_view name, std::initializer_list<const deflate_piece*> pieces,
           placement where = placement::in_turn);

  // The archive's bytes: the central directory appended. The writer is spent.
  std::string finish();

  int level() const noexcept { return level_; }

 private:
  struct entry {
    std::string name;
    std::uint32_t crc;
    std::uint64_t compressed, size, offset;  // offset: in first_ or in rest_
    bool first;
  };

  int level_;
  std::uint64_t zip64_from_;
  std::string first_, rest_;
  std::vector<entry> entries_;
};

}  // namespace parix::workflow
