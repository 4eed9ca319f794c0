// Builds the deterministic BagIt ZIP of a criterion's evidence with libarchive, hashing
// the payload as it is read and the archive as it is written.
#include "evidence/formats/evidence_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <new>
#include <numeric>
#include <set>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>

#include "storage/error.hpp"
#include "storage/file_error.hpp"
#include "storage/sha256.hpp"
#include "storage/unique_fd.hpp"

namespace parix::evidence {
namespace {

// Payload read in 1 MiB chunks, eight of them in flight between the reader, the payload
// hasher (the payload's own SHA-256, on a thread of its own) and the writer (the
// archive's SHA-256). A chunk fits in a core's L2 cache, so the read's copy, both hashes,
// the CRC and the write's copy find it there: with 4 MiB chunks every pass went to
// memory and the kernel's two copies alone cost more CPU than both hashes (measured on
// the 1 GiB seal of tests/bench/evidence_bench.sh: 1.9 s of system time against 0.5 s).
constexpr std::size_t read_block = std::size_t{1} << 20;
constexpr std::size_t chunks_in_flight = 8;
// Of which read ahead of the one libarchive is being fed.
constexpr std::size_t reads_ahead = 3;
constexpr std::align_val_t chunk_alignment{4096};
// The writer asks the kernel to start writing back every 32 MiB, so that the final
// fsync finds little left to do instead of a gigabyte of dirty pages.
constexpr std::uint64_t writeback_every = std::uint64_t{32} << 20;
constexpr mode_t entry_mode = 0644;
constexpr std::string_view bagit_txt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

bool is_lower_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF): libarchive would
// otherwise store a name it cannot flag as UTF-8 with only a warning.
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

std::string percent_encode(std::string_view s, std::string_view special) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (special.find(c) == std::string_view::npos) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out += {'%', digits[b >> 4], digits[b & 0xf]};
    }
  }
  return out;
}

// RFC 8493 §2.1.3: only these are encoded in a manifest's file path.
std::string manifest_path(std::string_view path) {
  return percent_encode(path, "%\r\n");
}
std::string document_field(std::string_view s) {
  return percent_encode(s, "%|\r\n");
}

// Values are not folded (§2.2.2 allows it, but few readers unfold); a line break in a
// value would start a new label, so it becomes a space.
std::string label_value(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\r', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string hex_sha256(std::string_view text) {
  return storage::to_hex(storage::sha256(text));
}

void validate(const std::vector<archive_file>& files, const archive_info& info) {
  if (files.empty()) throw std::invalid_argument("evidence archive: no files to seal");
  for (const archive_file& f : files) {
    if (f.name.empty() || f.name == "." || f.name == ".." ||
        f.name.find_first_of(std::string_view("/\0", 2)) != std::string::npos || !is_utf8(f.name))
      throw std::invalid_argument("evidence archive: unusable file name '" + f.name + "'");
    if (!is_lower_hex64(f.sha256))
      throw std::invalid_argument("evidence archive: bad sha256 for '" + f.name + "'");
    if (!f.open) throw std::invalid_argument("evidence archive: no opener for '" + f.name + "'");
  }
  const std::string& at = info.sealed_at;
  bool dated = at.size() >= 10 && at[4] == '-' && at[7] == '-';
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    dated = dated && i < at.size() && at[i] >= '0' && at[i] <= '9';
  if (!dated) throw std::invalid_argument("evidence archive: sealed_at is not ISO 8601: " + at);
}

// "stem (n).ext": the number goes before the extension so the file still opens with
// the right program. A leading dot is part of the stem (".hidden" has no extension).
std::string numbered_name(const std::string& name, int n) {
  std::size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name + " (" + std::to_string(n) + ")";
  return name.substr(0, dot) + " (" + std::to_string(n) + ")" + name.substr(dot);
}

// data/<name> for each file, index-aligned; see the header for the rule.
std::vector<std::string> payload_paths(const std::vector<archive_file>& files) {
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(files[a].name, files[a].sha256) < std::tie(files[b].name, files[b].sha256);
  });
  std::set<std::string> taken;
  for (const archive_file& f : files) taken.insert(f.name);
  std::vector<std::string> paths(files.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::string& name = files[order[k]].name;
    std::string chosen = name;
    if (k > 0 && files[order[k - 1]].name == name) {
      int n = 2;
      while (taken.count(numbered_name(name, n))) ++n;
      chosen = numbered_name(name, n);
      taken.insert(chosen);
    }
    paths[order[k]] = "data/" + chosen;
  }
  return paths;
}

struct archive_deleter {
  // An archive abandoned by an exception gets its central directory written by
  // archive_write_free; harmless, the file is removed. (archive_write_fail would skip
  // that, but libarchive 3.6 then leaks the directory's buffers.)
  void operator()(archive* a) const { archive_write_free(a); }
};
struct entry_deleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// Removes the output unless the build completed.
struct remove_unless_done {
  const std::filesystem::path& path;
  bool done = false;
  ~remove_unless_done() {
    if (!done) ::unlink(path.c_str());
  }
};

// Runs jobs one after another on a thread of its own. push() returns a ticket; wait(t)
// returns once job t (and all before it) ran, rethrowing the first job's exception. After
// a job throws, later jobs are skipped. Not thread-safe: one producer.
class serial_worker {
 public:
  serial_worker() : thread_([this] { run(); }) {}
  ~serial_worker() {
    {
      std::lock_guard lock{m_};
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  serial_worker(const serial_worker&) = delete;
  serial_worker& operator=(const serial_worker&) = delete;

  std::uint64_t push(std::function<void()> job) {
    std::lock_guard lock{m_};
    jobs_.push_back(std::move(job));
    cv_.notify_all();
    return ++pushed_;
  }
  void wait(std::uint64_t ticket) {
    std::unique_lock lock{m_};
    done_cv_.wait(lock, [&] { return done_ >= ticket; });
    if (failure_) std::rethrow_exception(failure_);
  }
  bool failed() {
    std::lock_guard lock{m_};
    return failure_ != nullptr;
  }

 private:
  void run() {
    std::unique_lock lock{m_};
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      const bool skip = failure_ != nullptr;
      lock.unlock();
      std::exception_ptr caught;
      if (!skip) try {
          job();
        } catch (...) {
          caught = std::current_exception();
        }
      lock.lock();
      if (caught && !failure_) failure_ = caught;
      ++done_;
      done_cv_.notify_all();
    }
  }

  std::mutex m_;
  std::condition_variable cv_, done_cv_;
  std::deque<std::function<void()>> jobs_;
  std::uint64_t pushed_ = 0, done_ = 0;
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::thread thread_;
};

// Where libarchive's bytes go: the writer thread writes them to the output file, hashes
// and counts them, so the archive is read from disk zero times and the caller's thread
// only feeds libarchive (which computes the CRCs). Bytes inside the current payload chunk are
// passed by pointer (the chunk is not reused until the writer is done with it: see chunk_ring);
// libarchive's own small buffers (headers, descriptors, the directory) are copied.
struct sink {
  int fd;
  const std::filesystem::path& path;
  storage::sha256_stream hash;
  std::uint64_t size = 0, flushed = 0;
  serial_worker writer;
  std::span<const char> chunk;  // the payload chunk libarchive is being fed, if any
  std::uint64_t last_ticket = 0;

  sink(int file, const std::filesystem::path& p) : fd(file), path(p) {}

  void write_now(const char* p, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) storage::throw_file_error("cannot write", path, errno);
      hash.update({reinterpret_cast<const unsigned char*>(p), static_cast<std::size_t>(w)});
      p += w;
      n -= static_cast<std::size_t>(w);
      size += static_cast<std::uint64_t>(w);
    }
    if (size - flushed >= writeback_every) {
      // Start writing back what is done; the fsync at the end waits for it.
      ::sync_file_range(fd, static_cast<off_t>(flushed), static_cast<off_t>(size - flushed),
                        SYNC_FILE_RANGE_WRITE);
      flushed = size;
    }
  }
};

la_ssize_t write_to_sink(archive* a, void* context, const void* buffer, size_t length) {
  auto* s = static_cast<sink*>(context);
  if (s->writer.failed()) {
    archive_set_error(a, EIO, "write failed");
    return -1;
  }
  const char* p = static_cast<const char*>(buffer);
  const bool in_chunk =
      !s->chunk.empty() && p >= s->chunk.data() && p + length <= s->chunk.data() + s->chunk.size();
  try {  // no exception may cross libarchive's C frames
    if (in_chunk) {
      s->last_ticket = s->writer.push([s, p, length] { s->write_now(p, length); });
    } else {
      s->last_ticket = s->writer.push(
          [s, copy = std::string(p, length)] { s->write_now(copy.data(), copy.size()); });
    }
  } catch (const std::exception&) {
    archive_set_error(a, ENOMEM, "out of memory");
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

class zip_writer {
 public:
  zip_writer(const std::filesystem::path& path, sink& out) : path_(path), out_(out) {
    if (!a_) throw std::runtime_error("archive_write_new failed");
    check(archive_write_set_format_zip(a_.get()));
    check(archive_write_set_options(a_.get(), "zip:compression=store"));
    check(archive_write_set_options(a_.get(), "zip:hdrcharset=UTF-8"));  // sets the UTF-8 flag
    // 0: no blocking, each write goes straight to write_to_sink (payload chunks without a
    // copy).
    check(archive_write_set_bytes_per_block(a_.get(), 0));
    // 1: no zero padding after the end of central directory (libarchive pads the last
    // block by default, as for tapes).
    check(archive_write_set_bytes_in_last_block(a_.get(), 1));
    check(archive_write_open2(a_.get(), &out_, nullptr, write_to_sink, nullptr, nullptr));
  }

  void begin(const std::string& path, std::uint64_t size) {
    std::unique_ptr<archive_entry, entry_deleter> e(archive_entry_new());
    if (!e) throw std::runtime_error("archive_entry_new failed");
    archive_entry_set_pathname_utf8(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), entry_mode);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
    // No mtime/atime/ctime/birthtime: see the header on why no time at all.
    check(archive_write_header(a_.get(), e.get()));  // WARN too: a name not stored as UTF-8
  }

  void data(std::span<const char> bytes) {
    la_ssize_t n = archive_write_data(a_.get(), bytes.data(), bytes.size());
    if (n < 0 || static_cast<std::size_t>(n) != bytes.size()) fail();
  }

  void end() { check(archive_write_finish_entry(a_.get())); }

  void add(const std::string& path, std::string_view content) {
    begin(path, content.size());
    data(content);
    end();
  }

  void close() { check(archive_write_close(a_.get())); }

 private:
  void check(int r) {
    if (r != ARCHIVE_OK) fail();
  }
  [[noreturn]] void fail() {
    out_.writer.wait(out_.last_ticket);  // a failed disk write explains itself first
    const char* why = archive_error_string(a_.get());
    throw std::runtime_error("evidence archive " + path_.string() +
                             ": libarchive: " + (why ? why : "unknown error"));
  }

  const std::filesystem::path& path_;
  sink& out_;
  std::unique_ptr<archive, archive_deleter> a_{archive_write_new()};
};

// The payload chunks in flight. A chunk is reused only once the payload hasher and the
// writer have finished with everything handed to them while it was in use.
class chunk_ring {
 public:
  chunk_ring() {
    for (auto& c : chunks_) {
      // Aligned for blob_reader::read_once's direct reads.
      c.bytes.reset(static_cast<char*>(::operator new(read_block, chunk_alignment)));
    }
  }
  // The next chunk (its number for handed() and its bytes), once its previous use is over.
  std::pair<std::size_t, std::span<char>> next(serial_worker& hasher, serial_worker& writer) {
    const std::size_t k = next_++ % chunks_.size();
    auto& c = chunks_[k];
    hasher.wait(c.hashed_ticket);
    writer.wait(c.written_ticket);
    return {k, {c.bytes.get(), read_block}};
  }
  // What chunk k was handed to.
  void handed(std::size_t k, std::uint64_t hashed, std::uint64_t written) {
    chunks_[k].hashed_ticket = hashed;
    chunks_[k].written_ticket = written;
  }

 private:
  struct aligned_delete {
    void operator()(char* p) const { ::operator delete(p, chunk_alignment); }
  };
  struct chunk {
    std::unique_ptr<char, aligned_delete> bytes;
    std::uint64_t hashed_ticket = 0, written_ticket = 0;
  };
  std::array<chunk, chunks_in_flight> chunks_;
  std::size_t next_ = 0;
};

// Waits for a worker's ticket when leaving a scope, whatever happens: the worker is then
// done with what the scope owns.
struct drain {
  serial_worker& w;
  std::uint64_t& ticket;
  ~drain() {
    try {
      w.wait(ticket);
    } catch (...) {
      // Reported by a wait of the normal path, or superseded by the exception in flight.
    }
  }
};

// The threads of one build besides the caller's, which feeds libarchive (CRC-32): one
// reads the payload ahead, one computes the payload's SHA-256; the sink has the writer.
struct workers {
  serial_worker reader;
  serial_worker hasher;
};

// Copies one payload file into the current entry, checking it against what was
// declared: a blob edited or damaged on disk must stop the seal, not be signed. Reads
// run ahead on the reader thread (the disk is busy while the caller computes the CRC),
// the payload's SHA-256 on the hasher, and the writer writes and hashes the archive.
void copy_payload(zip_writer& zip, sink& out, const archive_file& f, const std::string& path,
                  chunk_ring& ring, workers& w) {
  auto complain = [&](const std::string& what) {
    return std::runtime_error("evidence archive: file '" + f.name + "' (" + path + ", sha256 " +
                              f.sha256 + ") " + what);
  };
  std::unique_ptr<storage::blob_reader> reader = f.open();
  if (!reader) throw complain("is missing from the blob store");
  if (reader->size() != f.size)
    throw complain("has " + std::to_string(reader->size()) + " bytes, not the declared " +
                   std::to_string(f.size));
  zip.begin(path, f.size);
  storage::sha256_stream hash;
  struct pending_read {
    std::size_t chunk;
    std::span<char> bytes;
    std::uint64_t offset;
    std::size_t got = 0;
    std::uint64_t ticket = 0;
  };
  std::deque<pending_read> reads;  // references stay valid: only push_back and pop_front
  std::uint64_t offset = 0, read_to = 0, hashed = 0, read_ticket = 0;
  // Whatever happens, the reader and the hasher are done with `reads`, `reader`, `hash`
  // and the chunks before we return.
  drain read_drained{w.reader, read_ticket};
  drain hash_drained{w.hasher, hashed};
  while (offset < f.size) {
    while (reads.size() < reads_ahead && read_to < f.size) {
      auto [k, chunk] = ring.next(w.hasher, out.writer);
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), f.size - read_to));
      pending_read& r = reads.emplace_back(pending_read{k, chunk.first(want), read_to});
      r.ticket = read_ticket =
          w.reader.push([&r, &reader] { r.got = reader->read_once(r.offset, r.bytes); });
      read_to += want;
    }
    pending_read& r = reads.front();
    w.reader.wait(r.ticket);
    if (r.got < r.bytes.size())
      throw complain("ended after " + std::to_string(offset + r.got) + " bytes");
    hashed = w.hasher.push([&hash, bytes = r.bytes] {
      hash.update({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
    });
    out.chunk = r.bytes;
    zip.data(r.bytes);
    out.chunk = {};
    ring.handed(r.chunk, hashed, out.last_ticket);
    offset += r.got;
    reads.pop_front();
  }
  char extra = 0;
  if (reader->read(offset, {&extra, 1}) != 0) throw complain("is longer than declared");
  w.hasher.wait(hashed);
  if (storage::to_hex(hash.finish()) != f.sha256) throw complain("does not match its sha256");
  zip.end();
}

}  // namespace

std::function<std::unique_ptr<storage::blob_reader>()> blob_opener(const storage::blob_store& store,
                                                                   std::string sha256_hex) {
  return [&store, h = std::move(sha256_hex)] { return store.open(h); };
}

built_archive build_evidence_archive(const std::vector<archive_file>& files,
                                     const archive_info& info,
                                     const std::filesystem::path& out_file) {
  validate(files, info);

  built_archive result;
  result.file = out_file;
  result.file_count = files.size();
  result.payload_paths = payload_paths(files);

  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.payload_paths[a] < result.payload_paths[b];
  });

  std::string manifest;
  for (std::size_t i : order) {
    manifest += files[i].sha256 + "  " + manifest_path(result.payload_paths[i]) + "\n";
    result.payload_bytes += files[i].size;
  }

  std::string bag_info;
  auto label = [&](std::string_view name, std::string_view value) {
    bag_info.append(name).append(": ").append(label_value(value)).append("\n");
  };
  label("Bagging-Date", info.sealed_at.substr(0, 10));
  label("Payload-Oxum", std::to_string(result.payload_bytes) + "." + std::to_string(files.size()));
  label("Bag-Software-Agent", "parix");
  label("External-Identifier", "parix:" + info.campaign + "/" + info.unit_code + "/" +
                                   info.criterion_code + "/v" + std::to_string(info.version));
  label("PARIX-Campaign", info.campaign);
  label("PARIX-Unit", info.unit_code);
  label("PARIX-Unit-Name", info.unit_name);
  label("PARIX-Criterion", info.criterion_code);
  label("PARIX-Criterion-Title", info.criterion_title);
  label("PARIX-Stage", info.stage);
  label("PARIX-Version", std::to_string(info.version));
  label("PARIX-Sealed-At", info.sealed_at);
  label("PARIX-Sealed-By", info.sealed_by);
  for (std::size_t i : order) {
    const archive_file& f = files[i];
    label("PARIX-Document",
          document_field(result.payload_paths[i]) + " | number=" + document_field(f.doc_number) +
              " | date=" + document_field(f.doc_date) + " | issuer=" +
              document_field(f.doc_issuer) + " | summary=" + document_field(f.doc_summary));
  }

  // Sorted by path, like the payload manifest.
  std::string tagmanifest = hex_sha256(bag_info) + "  bag-info.txt\n" + hex_sha256(bagit_txt) +
                            "  bagit.txt\n" + hex_sha256(manifest) + "  manifest-sha256.txt\n";

  remove_unless_done cleanup{out_file};
  auto fd = storage::open_retrying(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!fd) storage::throw_file_error("cannot create", out_file, errno);

  // Destroyed in reverse: the writer (which finishes what it was handed) stops before the
  // chunks it may still read are freed, and both before the file is closed or removed.
  chunk_ring ring;
  auto out = std::make_unique<sink>(fd.get(), out_file);
  {
    workers w;
    zip_writer zip(out_file, *out);
    zip.add("bagit.txt", bagit_txt);
    zip.add("bag-info.txt", bag_info);
    zip.add("manifest-sha256.txt", manifest);
    for (std::size_t i : order) copy_payload(zip, *out, files[i], result.payload_paths[i], ring, w);
    zip.add("tagmanifest-sha256.txt", tagmanifest);
    zip.close();
    out->writer.wait(out->last_ticket);
  }

  if (::fsync(fd.get()) != 0) storage::throw_file_error("cannot fsync", out_file, errno);
  if (fd.close() != 0) storage::throw_file_error("cannot close", out_file, errno);

  result.archive_sha256 = storage::to_hex(out->hash.finish());
  result.tagmanifest_sha256 = hex_sha256(tagmanifest);
  result.manifest_sha256_text = std::move(manifest);
  result.size = out->size;
  cleanup.done = true;
  return result;
}

}  // namespace parix::evidence
