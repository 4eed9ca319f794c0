// The evidence error category (messages for logs; clients get translated texts).
#include "evidence/errc.hpp"

#include <string>

namespace parix::evidence {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "parix.evidence"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::upload_not_found:
        return "upload not found";
      case errc::upload_gone:
        return "upload gone";
      case errc::offset_mismatch:
        return "offset mismatch";
      case errc::upload_busy:
        return "upload busy";
      case errc::checksum_mismatch:
        return "checksum mismatch";
      case errc::checksum_unsupported:
        return "checksum algorithm unsupported";
      case errc::file_checksum_mismatch:
        return "file checksum mismatch";
      case errc::file_too_large:
        return "file too large";
      case errc::leaf_evidence_limit:
        return "criterion evidence limit reached";
      case errc::type_not_allowed:
        return "file type not allowed";
      case errc::extension_mismatch:
        return "extension does not match content";
      case errc::unsafe_archive:
        return "unsafe archive";
      case errc::invalid_file_name:
        return "invalid file name";
      case errc::upload_incomplete:
        return "upload incomplete";
      case errc::upload_attached:
        return "upload already attached";
      case errc::evidence_not_found:
        return "evidence not found";
      case errc::evidence_sealed:
        return "evidence sealed";
      case errc::invalid_document_date:
        return "invalid document date";
      case errc::blob_missing:
        return "stored file missing";
      case errc::range_not_satisfiable:
        return "range not satisfiable";
      case errc::carried_evidence_not_found:
        return "carried evidence not found";
      case errc::carried_evidence_decided:
        return "carried evidence decided";
    }
    return "unknown evidence error";
  }
};

}  // namespace

const boost::system::error_category& evidence_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace parix::evidence
