// The problem-text catalogue. Keep each entry's placeholders the same in both languages.
#include "server/messages.hpp"

#include <algorithm>
#include <optional>

namespace parix::server {
namespace {

struct entry {
  std::string_view code;
  std::string_view title_vi, detail_vi;
  std::string_view title_en, detail_en;
};

constexpr entry catalogue[] = {
    {"not_found", "Không tìm thấy", "Không có tài nguyên tại {path}.", "Not found",
     "There is no resource at {path}."},
    {"method_not_allowed", "Phương thức không được hỗ trợ",
     "{path} không hỗ trợ phương thức {method}; được phép: {allow}.", "Method not allowed",
     "{path} does not support {method}; allowed: {allow}."},
    {"body_too_large", "Nội dung quá lớn",
     "Nội dung yêu cầu vượt quá giới hạn {limit} byte của đường dẫn này.", "Request body too large",
     "The request body exceeds this route's limit of {limit} bytes."},
    {"bad_request", "Yêu cầu không hợp lệ", "Không đọc được yêu cầu HTTP: {reason}.", "Bad request",
     "The HTTP request could not be read: {reason}."},
    {"transfer_coding_unsupported", "Mã hóa truyền không được hỗ trợ",
     "Máy chủ chỉ nhận Transfer-Encoding: chunked; không giải mã được \"{coding}\".",
     "Transfer coding not supported",
     "The server accepts only Transfer-Encoding: chunked; it cannot decode \"{coding}\"."},
    {"unsupported_media_type", "Kiểu nội dung không được hỗ trợ",
     "Nội dung phải có Content-Type {expected}.", "Unsupported media type",
     "The body must have Content-Type {expected}."},
    {"malformed_json", "JSON không hợp lệ",
     "Nội dung không phải JSON hợp lệ (UTF-8) tại vị trí {offset}: {reason}.", "Malformed JSON",
     "The body is not valid JSON (UTF-8) at offset {offset}: {reason}."},
    {"missing_field", "Thiếu trường dữ liệu", "Thiếu trường bắt buộc \"{field}\".", "Missing field",
     "The required field \"{field}\" is missing."},
    {"invalid_field", "Trường dữ liệu không hợp lệ", "Trường \"{field}\" phải là {expected}.",
     "Invalid field", "Field \"{field}\" must be {expected}."},
    {"unknown_field", "Trường dữ liệu không được hỗ trợ", "Không có trường \"{field}\".",
     "Unknown field", "There is no field \"{field}\"."},
    {"unauthenticated", "Chưa đăng nhập",
     "Cần đăng nhập: phiên làm việc hoặc mã truy cập không có, đã hết hạn hoặc đã bị thu hồi.",
     "Not signed in", "Sign-in required: the session or token is missing, expired or revoked."},
    {"forbidden", "Không có quyền", "Vai trò {role} không có quyền {permission}.", "Forbidden",
     "The role {role} lacks the permission {permission}."},
    {"csrf_rejected", "Yêu cầu bị từ chối (CSRF)",
     "Yêu cầu thay đổi dữ liệu bằng cookie phải đến từ chính trang {origin}.",
     "Request refused (CSRF)",
     "A cookie-authenticated change must come from the site itself ({origin})."},
    {"bad_credentials", "Sai thông tin đăng nhập", "Tên đăng nhập hoặc mật khẩu không đúng.",
     "Wrong credentials", "The username or password is wrong."},
    {"login_throttled", "Tạm khóa đăng nhập",
     "Đăng nhập sai quá nhiều lần; hãy thử lại sau {seconds} giây.", "Too many attempts",
     "Too many failed sign-ins; try again in {seconds} seconds."},
    {"login_in_progress", "Đang có lần đăng nhập khác",
     "Đang có lần đăng nhập khác cho tài khoản này; hãy thử lại sau {seconds} giây.",
     "Another sign-in in progress",
     "Another sign-in to this account is in progress; try again in {seconds} seconds."},
    {"account_disabled", "Tài khoản bị vô hiệu hóa", "Tài khoản này đã bị vô hiệu hóa.",
     "Account disabled", "This account is disabled."},
    {"weak_password", "Mật khẩu yếu",
     "Mật khẩu phải dài {min} đến {max} ký tự và không được chứa tên đăng nhập.", "Weak password",
     "The password must be {min} to {max} characters long and must not contain the username."},
    {"wrong_password", "Sai mật khẩu hiện tại", "Mật khẩu hiện tại không đúng.",
     "Wrong current password", "The current password is wrong."},
    {"username_taken", "Tên đăng nhập đã tồn tại", "Tên đăng nhập {username} đã được dùng.",
     "Username taken", "The username {username} is already in use."},
    {"invalid_username", "Tên đăng nhập không hợp lệ",
     "Tên đăng nhập gồm 3–64 ký tự a-z, 0-9, '.', '_', '-' và bắt đầu bằng chữ hoặc số.",
     "Invalid username",
     "A username is 3–64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit."},
    {"invalid_role", "Vai trò không hợp lệ", "Vai trò \"{role}\" không tồn tại.", "Invalid role",
     "There is no role \"{role}\"."},
    {"unit_required", "Thiếu đơn vị", "Vai trò {role} phải thuộc một đơn vị.", "Unit required",
     "The role {role} must belong to a unit."},
    {"unit_not_allowed", "Không được gán đơn vị", "Vai trò {role} không thuộc đơn vị nào.",
     "Unit not allowed", "The role {role} does not belong to a unit."},
    {"unknown_unit", "Không có đơn vị", "Không có đơn vị mã \"{unit}\" (trường {field}).",
     "Unknown unit", "There is no unit with code \"{unit}\" (field {field})."},
    {"user_not_found", "Không có người dùng", "Không tìm thấy người dùng.", "User not found",
     "No such user."},
    {"token_not_found", "Không có mã truy cập", "Không tìm thấy mã truy cập.", "Token not found",
     "No such API token."},
    {"precondition_required", "Thiếu If-Match",
     "Thay đổi tài nguyên này cần tiêu đề If-Match với ETag hiện tại.", "If-Match required",
     "Changing this resource needs an If-Match header with its current ETag."},
    {"stale_version", "Dữ liệu đã thay đổi",
     "Tài nguyên đã bị người khác thay đổi (ETag hiện tại {etag}); hãy tải lại rồi thử lại.",
     "Stale version",
     "Someone else changed the resource (current ETag {etag}); reload and try again."},
    {"upload_not_found", "Không có tệp tải lên",
     "Không tìm thấy tệp tải lên {upload}; tệp có thể đã hết hạn hoặc bị hủy.", "Upload not found",
     "There is no upload {upload}; it may have expired or been terminated."},
    {"upload_gone", "Tệp tải lên không còn", "Tệp tải lên {upload} đã {state}; hãy tải lên lại.",
     "Upload gone", "The upload {upload} is {state}; upload the file again."},
    {"offset_mismatch", "Sai vị trí tiếp tục",
     "Máy chủ đã nhận {offset} byte; phần tiếp theo phải bắt đầu từ {offset}.", "Offset mismatch",
     "The server holds {offset} bytes; the next part must start at offset {offset}."},
    {"upload_busy", "Tệp đang được tải lên",
     "Một kết nối khác đang gửi tệp {upload}; hãy thử lại sau giây lát.", "Upload busy",
     "Another connection is sending upload {upload}; retry in a moment."},
    {"checksum_mismatch", "Sai mã kiểm tra",
     "Mã kiểm tra {algorithm} của phần vừa gửi không khớp; phần này bị bỏ, máy chủ vẫn giữ "
     "{offset} byte.",
     "Checksum mismatch",
     "The {algorithm} checksum of the part just sent does not match; the part was dropped and the "
     "server still holds {offset} bytes."},
    {"checksum_unsupported", "Thuật toán kiểm tra không được hỗ trợ",
     "Chỉ hỗ trợ Upload-Checksum dùng sha256.", "Checksum algorithm unsupported",
     "Only sha256 is supported in Upload-Checksum."},
    {"file_checksum_mismatch", "Sai SHA-256 của tệp",
     "SHA-256 của cả tệp là {actual}, không khớp với {declared} đã khai báo; tệp bị từ chối, hãy "
     "tải lên lại.",
     "File checksum mismatch",
     "The whole file's SHA-256 is {actual}, not the declared {declared}; the file was refused, "
     "upload it again."},
    {"file_too_large", "Tệp quá lớn", "Tệp {size} byte vượt giới hạn {limit} byte.",
     "File too large", "The file of {size} bytes exceeds the limit of {limit} bytes."},
    {"leaf_evidence_limit", "Vượt dung lượng của tiêu chí",
     "Tiêu chí {code} đã có {used} byte tài liệu; thêm {size} byte sẽ vượt giới hạn {limit} byte.",
     "Criterion evidence limit",
     "Criterion {code} already holds {used} bytes of evidence; {size} more would exceed the limit "
     "of {limit} bytes."},
    {"type_not_allowed", "Loại tệp không được chấp nhận",
     "Nội dung tệp {file} không phải loại được chấp nhận ({allowed}): {detail}.",
     "File type not allowed",
     "The content of {file} is not an accepted type ({allowed}): {detail}."},
    {"extension_mismatch", "Đuôi tệp không khớp nội dung",
     "Tệp {file} có nội dung {kind} nhưng đuôi tệp khác; hãy đặt đúng đuôi tệp.",
     "Extension does not match content",
     "The file {file} contains {kind} but its extension says otherwise; name it correctly."},
    {"unsafe_archive", "Tệp nén không an toàn",
     "Tệp nén {file} bị từ chối ({reason}) ở mục \"{entry}\": {detail}.", "Unsafe archive",
     "The archive {file} was refused ({reason}) at entry \"{entry}\": {detail}."},
    {"invalid_file_name", "Tên tệp không hợp lệ",
     "Tên tệp phải là UTF-8 và còn lại ít nhất một ký tự hợp lệ.", "Invalid file name",
     "The file name must be UTF-8 and keep at least one usable character."},
    {"upload_incomplete", "Tệp chưa tải lên xong", "Tệp {upload} mới nhận {offset}/{length} byte.",
     "Upload incomplete", "Upload {upload} has {offset} of {length} bytes."},
    {"upload_attached", "Tệp đã được đính kèm",
     "Tệp tải lên {upload} đã được đính kèm; mỗi lần tải lên chỉ đính kèm một lần.",
     "Upload already attached",
     "Upload {upload} is already attached; each upload is attached once."},
    {"evidence_not_found", "Không có tài liệu kiểm chứng",
     "Không tìm thấy tài liệu kiểm chứng {evidence}.", "Evidence not found",
     "There is no evidence {evidence}."},
    {"evidence_sealed", "Tài liệu đã niêm phong",
     "Tài liệu {evidence} đã được niêm phong (hoặc đã gỡ); phiên bản đã niêm phong không bao giờ "
     "bị sửa hay xóa.",
     "Evidence sealed",
     "Evidence {evidence} is sealed (or removed); sealed versions are never changed or deleted."},
    {"invalid_document_date", "Ngày ban hành không hợp lệ",
     "Ngày ban hành \"{date}\" phải có dạng YYYY-MM-DD.", "Invalid issue date",
     "The issue date \"{date}\" must be YYYY-MM-DD."},
    {"blob_missing", "Mất tệp lưu trữ",
     "Tệp lưu trữ {sha256} không còn trên đĩa; hãy báo quản trị viên chạy parix evidence fsck.",
     "Stored file missing",
     "The stored file {sha256} is missing from disk; ask an administrator to run parix evidence "
     "fsck."},
    {"range_not_satisfiable", "Khoảng byte không hợp lệ",
     "Khoảng {range} nằm ngoài tệp {size} byte.", "Range not satisfiable",
     "The range {range} lies outside the file of {size} bytes."},
    {"invalid_criteria", "Bộ tiêu chí không hợp lệ",
     "Tệp bộ tiêu chí có {count} lỗi; xem danh sách \"problems\" (dòng, mã, lỗi).",
     "Invalid criteria set",
     "Problems in the criteria file: {count}; see the \"problems\" list (line, code, "
     "problem)."},
    {"criteria_set_exists", "Bộ tiêu chí đã tồn tại",
     "Đã có bộ tiêu chí mã này; bộ tiêu chí không sửa được, hãy nhập phiên bản mới với mã mới.",
     "Criteria set exists",
     "A criteria set with this key exists; sets are immutable, import a new version with a new "
     "key."},
    {"criteria_set_not_found", "Không có bộ tiêu chí", "Không tìm thấy bộ tiêu chí.",
     "Criteria set not found", "No such criteria set."},
    {"campaign_not_found", "Không có đợt đánh giá", "Không tìm thấy đợt đánh giá.",
     "Campaign not found", "No such campaign."},
    {"assessment_not_found", "Không có hồ sơ", "Không tìm thấy hồ sơ đánh giá.",
     "Assessment not found", "No such assessment."},
    {"unknown_criterion", "Không có tiêu chí", "Bộ tiêu chí không có mã \"{code}\".",
     "Unknown criterion", "The criteria set has no code \"{code}\"."},
    {"not_a_leaf", "Không phải tiêu chí chấm điểm",
     "{code} có tiêu chí thành phần; điểm chỉ chấm ở tiêu chí thành phần.", "Not a leaf",
     "{code} has sub-criteria; scores are entered on its sub-criteria."},
    {"wrong_stage", "Sai giai đoạn", "Hồ sơ đang ở giai đoạn {stage}; không thể {action}.",
     "Wrong stage", "The assessment is in stage {stage}; it cannot {action}."},
    {"wrong_role", "Sai vai trò", "Vai trò {role} không được {action} ở giai đoạn {stage}.",
     "Wrong role", "The role {role} may not {action} in stage {stage}."},
    {"wrong_unit", "Sai đơn vị", "Hồ sơ này thuộc đơn vị khác.", "Wrong unit",
     "This assessment belongs to another unit."},
    {"not_assigned", "Không được phân công",
     "Bạn không được phân công thẩm định lĩnh vực {field} của đơn vị này.", "Not assigned",
     "You are not assigned to appraise field {field} of this unit."},
    {"deadline_passed", "Đã hết hạn", "Đã hết hạn lúc {deadline}; không nhận thêm.",
     "Deadline passed", "The deadline passed at {deadline}; nothing more is accepted."},
    {"window_closed", "Đã hết thời gian giải trình",
     "Thời gian giải trình, bổ sung đã đóng lúc {closes_at}.", "Window closed",
     "The explanation window closed at {closes_at}."},
    {"leaf_not_flagged", "Tiêu chí không yêu cầu giải trình",
     "Tiêu chí {code} không bị đánh dấu cần giải trình; chỉ được giải trình tiêu chí được yêu cầu.",
     "Leaf not flagged",
     "Criterion {code} is not flagged for explanation; only flagged criteria may be answered."},
    {"not_self_scored", "Tiêu chí không tự chấm",
     "Tiêu chí {code} lấy điểm từ {method}; ban thư ký nhập điểm này, đơn vị không chấm hay "
     "đề nghị không đánh giá tiêu chí này.",
     "Not self-scored",
     "Criterion {code} is scored by {method}; the secretariat imports it, and the agency "
     "neither scores it nor claims it is not evaluated."},
    {"not_assigned_to_unit", "Không được phân công",
     "Bạn không được phân công thẩm định hồ sơ của đơn vị này.", "Not assigned",
     "You are not assigned to appraise this unit's file."},
    {"score_above_max", "Điểm vượt điểm tối đa",
     "Điểm {score} vượt điểm tối đa {max} của tiêu chí {code}.", "Score above the maximum",
     "The score {score} is above the maximum of {max} for criterion {code}."},
    {"too_many_decimals", "Quá 4 chữ số thập phân", "Điểm {score} có quá 4 chữ số thập phân.",
     "More than 4 decimals", "The score {score} has more than 4 decimals."},
    {"negative_score", "Điểm âm", "Điểm {score} âm.", "Negative score",
     "The score {score} is negative."},
    {"invalid_score", "Điểm không hợp lệ",
     "\"{score}\" không phải điểm hợp lệ (dùng dấu chấm: 0.25).", "Invalid score",
     "\"{score}\" is not a valid score (use a point: 0.25)."},
    {"empty_edit", "Không có gì để sửa",
     "Yêu cầu không có trường nào để sửa; hãy gửi ít nhất một trường, ví dụ self_score, "
     "self_explanation, claim_not_evaluated, round1_score, explanation_response.",
     "Nothing to change",
     "The request names no field to change; send at least one, e.g. self_score, "
     "self_explanation, claim_not_evaluated, round1_score, explanation_response."},
    {"round1_incomplete", "Chưa thẩm định xong vòng 1",
     "Còn {count} tiêu chí chưa có điểm thẩm định vòng 1 hoặc có đề nghị không đánh giá chưa "
     "được xác nhận hay bác bỏ.",
     "Round one incomplete",
     "Criteria without a round-one score, or with a not-evaluated claim not yet confirmed or "
     "rejected: {count}."},
    {"no_flagged_leaves", "Không có tiêu chí cần giải trình",
     "Không tiêu chí nào bị đánh dấu cần giải trình; hồ sơ chuyển thẳng sang vòng 2.",
     "No flagged criteria", "No criterion is flagged for explanation; the file goes to round two."},
    {"flagged_leaves", "Có tiêu chí cần giải trình",
     "Có {count} tiêu chí cần giải trình; hãy mở thời gian giải trình.", "Criteria flagged",
     "Criteria flagged for explanation: {count}; open an explanation window."},
    {"invalid_time", "Thời điểm không hợp lệ", "Thời điểm \"{field}\" phải sau {after}.",
     "Invalid time", "The time \"{field}\" must be after {after}."},
    {"reason_required", "Thiếu lý do", "Thao tác này cần ghi lý do (trường \"{field}\").",
     "Reason required", "This action needs a reason (field \"{field}\")."},
    {"already_voted", "Đã biểu quyết", "Bạn đã biểu quyết hồ sơ này trong lượt này.",
     "Already voted", "You have already voted on this file in this round."},
    {"not_council_member", "Không thuộc Hội đồng",
     "Bạn không là thành viên Hội đồng thẩm định của đợt này.", "Not a council member",
     "You are not a council member of this campaign."},
    {"not_published", "Chưa công bố",
     "Kết quả của đợt đánh giá này (hoặc của nhóm này) chưa được công bố.", "Not published",
     "The results of this campaign (or of this group) have not been published."},
    {"group_not_found", "Không có nhóm", "Đợt đánh giá không có nhóm đơn vị {group}.",
     "Unknown group", "The campaign has no unit group {group}."},
    {"unit_has_no_file", "Đơn vị không có hồ sơ",
     "Đơn vị {unit} không có hồ sơ trong đợt đánh giá này.", "Unit has no file",
     "The unit {unit} has no file in this campaign."},
    {"invalid_predecessor", "Đợt năm trước không hợp lệ",
     "Không có đợt đánh giá số {value} của một năm trước năm của đợt này để làm đợt năm trước.",
     "Invalid predecessor",
     "There is no campaign {value} of a year before this campaign's year to be its predecessor."},
    {"no_predecessor", "Chưa có đợt năm trước",
     "Đợt đánh giá này chưa ghi đợt năm trước (predecessor), nên chưa so sánh được với năm "
     "trước.",
     "No predecessor",
     "This campaign names no predecessor, so there is nothing to compare it with."},
    // Campaign administration (issue 14, docs/campaigns.md).
    {"no_campaign_change", "Không có gì để thay đổi",
     "Yêu cầu không nêu thay đổi nào của đợt đánh giá; hãy gửi ít nhất một trường, ví dụ name, "
     "schedule, bands, council, add_units.",
     "Nothing to change",
     "The request names no change to the campaign; send at least one field, e.g. name, "
     "schedule, bands, council, add_units."},
    {"campaign_published", "Kết quả đã công bố",
     "Kết quả của đợt đánh giá đã được công bố theo quyết định, nên không đổi được {field} nữa.",
     "Results published",
     "The campaign's results have been published by decision, so {field} can no longer "
     "change."},
    {"self_assessment_over", "Giai đoạn tự đánh giá đã kết thúc",
     "Không còn hồ sơ nào ở giai đoạn tự đánh giá, nên không đổi được {field} ({value}); hạn "
     "của từng hồ sơ đã áp dụng.",
     "Self-assessment is over",
     "No file is in self-assessment any more, so {field} ({value}) can no longer change; every "
     "file's deadline has applied."},
    {"past_date_reason_required", "Cần lý do khi lùi mốc về quá khứ",
     "{field} ({value}) đã qua; chỉ được đặt mốc đã qua khi có lý do (trường \"reason\").",
     "Reason required for a past date",
     "{field} ({value}) has passed; a date may be set in the past only with a reason (field "
     "\"reason\")."},
    {"window_length_locked", "Độ dài thời gian giải trình đã cố định",
     "Đã có hồ sơ được mở thời gian giải trình, nên mọi đơn vị phải có cùng độ dài; không đổi "
     "được {field} ({value}).",
     "Window length fixed",
     "An explanation window has been opened for some file, so every unit keeps the same length; "
     "{field} ({value}) cannot change."},
    {"bands_locked", "Mức xếp loại đã cố định",
     "Đã có hồ sơ được thông qua, nên không đổi được mức xếp loại ({field}).", "Bands fixed",
     "A file has been approved, so the classification bands ({field}) can no longer change."},
    {"approval_rule_locked", "Quy tắc thông qua đã cố định",
     "Hội đồng đã biểu quyết trong đợt này, nên không đổi được quy tắc thông qua ({field}).",
     "Approval rule fixed",
     "The council has voted in this campaign, so the approval rule ({field}) can no longer "
     "change."},
    {"council_locked", "Hội đồng đã cố định",
     "Hội đồng đã biểu quyết trong đợt này, nên không đổi được thành viên Hội đồng ({field}).",
     "Council fixed",
     "The council has voted in this campaign, so its members ({field}) can no longer change."},
    {"assignments_locked", "Phân công thẩm định đã cố định",
     "Không còn hồ sơ nào đang thẩm định, nên không đổi được phân công ({field}).",
     "Assignments fixed",
     "No file is being appraised any more, so the assignments ({field}) can no longer change."},
    {"unit_add_too_late", "Quá hạn thêm đơn vị",
     "Hạn tự đánh giá của đợt đã qua, nên không thêm được đơn vị {unit} ({field}); hãy gia hạn "
     "(schedule.self_deadline, có lý do) trong cùng yêu cầu nếu thật sự cần.",
     "Too late to add a unit",
     "The campaign's self-assessment deadline has passed, so the unit {unit} ({field}) cannot be "
     "added; move the deadline (schedule.self_deadline, with a reason) in the same request if "
     "it must be."},
    {"unit_already_in_campaign", "Đơn vị đã có trong đợt",
     "Đơn vị {unit} ({field}) đã có hồ sơ trong đợt đánh giá này.", "Unit already in the campaign",
     "The unit {unit} ({field}) already has a file in this campaign."},
    {"file_touched", "Hồ sơ đã có dữ liệu",
     "Hồ sơ của đơn vị {unit} ({field}) đã có điểm, giải trình, tài liệu hoặc sự kiện, nên không "
     "bỏ đơn vị khỏi đợt được; không dữ liệu nào bị xóa.",
     "File has been worked on",
     "The file of unit {unit} ({field}) has scores, explanations, evidence or events, so the unit "
     "cannot be taken out of the campaign; nothing is deleted."},
    {"not_evaluated_locked", "Hồ sơ đã thông qua",
     "Hồ sơ của đơn vị {unit} ({field}) đã được thông qua hoặc công bố, nên không đổi được "
     "tiêu chí không đánh giá.",
     "File approved",
     "The file of unit {unit} ({field}) is approved or published, so its not-evaluated leaves "
     "can no longer change."},
    {"criteria_set_required", "Thiếu bộ tiêu chí của năm mới",
     "Nhóm {value} ({field}) cần một bộ tiêu chí của năm mới trong \"criteria_sets\".",
     "Criteria set required",
     "The group {value} ({field}) needs a criteria set of the new year in \"criteria_sets\"."},
    {"not_carried_over", "Không có nội dung chuyển từ năm trước",
     "Tiêu chí {code} không có phần giải trình chuyển từ năm trước đang chờ xác nhận (chưa "
     "từng chuyển, hoặc đã được xác nhận hay sửa).",
     "Nothing carried over",
     "Criterion {code} has no explanation carried over from last year waiting to be confirmed "
     "(none was carried, or it was confirmed or edited already)."},
    {"carried_evidence_not_found", "Không có tài liệu chuyển từ năm trước",
     "Tiêu chí {code} không có tài liệu chuyển từ năm trước số {carried}.",
     "Carried evidence not found",
     "Criterion {code} has no evidence carried over from last year numbered {carried}."},
    {"carried_evidence_decided", "Tài liệu đã được xác nhận hoặc bỏ",
     "Tài liệu chuyển từ năm trước số {carried} đã được xác nhận hoặc bỏ trước đó ({state}); "
     "mỗi tài liệu chỉ quyết định một lần.",
     "Carried evidence decided",
     "Evidence {carried} carried over from last year was {state} already; each is decided "
     "once."},
    {"invalid_bulk_edit", "Có tiêu chí không sửa được",
     "{count} tiêu chí trong danh sách không sửa được (xem problems); không tiêu chí nào được "
     "lưu.",
     "Some leaves cannot be edited",
     "{count} leaves of the list cannot be edited (see problems); none has been saved."},
    {"not_acceptable", "Định dạng không được hỗ trợ",
     "Không trả được định dạng {accept}; có: {available}.", "Not acceptable",
     "Cannot answer in {accept}; available: {available}."},
    {"invalid_score_import", "Tệp điểm không hợp lệ",
     "Tệp điểm có {count} dòng lỗi; không dòng nào được nhập. Xem danh sách \"problems\" "
     "(dòng, lỗi).",
     "Invalid score import",
     "Rows with problems in the score file: {count}; nothing was imported. See the "
     "\"problems\" list (line, problem)."},
    {"invalid_import", "Tệp nhập không hợp lệ",
     "Tệp có {count} dòng lỗi; không dòng nào được nhập. Xem danh sách \"problems\" (dòng, "
     "lỗi).",
     "Invalid import",
     "Rows with problems in the file: {count}; nothing was imported. See the \"problems\" "
     "list (line, problem)."},
    // Units and users (issue 10).
    {"role_not_grantable", "Không được cấp vai trò này",
     "Ban thư ký tạo được mọi vai trò trừ quản trị viên; vai trò {role} chỉ quản trị viên cấp.",
     "Role not grantable",
     "The secretariat creates every role but administrator; only an administrator grants "
     "{role}."},
    {"invalid_unit_code", "Mã đơn vị không hợp lệ",
     "Mã đơn vị \"{code}\" phải dài 1–32 ký tự gồm chữ in hoa A-Z, số 0-9, '.', '_', '-' và "
     "bắt đầu bằng chữ hoặc số (ví dụ SNV, UBND-HTG).",
     "Invalid unit code",
     "The unit code \"{code}\" must be 1–32 characters of upper-case A-Z, 0-9, '.', '_', '-', "
     "starting with a letter or digit (e.g. SNV, UBND-HTG)."},
    {"invalid_unit_name", "Tên đơn vị không hợp lệ",
     "Tên đơn vị không được để trống và dài tối đa 200 byte.", "Invalid unit name",
     "The unit name must not be empty and is at most 200 bytes long."},
    {"invalid_unit_kind", "Loại đơn vị không hợp lệ",
     "Loại đơn vị \"{kind}\" không có; dùng province, department, district, commune hoặc other.",
     "Invalid unit kind",
     "There is no unit kind \"{kind}\"; use province, department, district, commune or other."},
    {"unit_exists", "Mã đơn vị đã có",
     "Đã có đơn vị mã {code}; mã đơn vị không bao giờ dùng lại. Đổi tên bằng PATCH "
     "/api/v1/units/{code}.",
     "Unit exists",
     "A unit with code {code} exists; unit codes are never reused. Rename it with PATCH "
     "/api/v1/units/{code}."},
    {"unknown_parent_unit", "Không có đơn vị cấp trên",
     "Không có đơn vị mã \"{parent}\" để làm đơn vị cấp trên.", "Unknown parent unit",
     "There is no unit with code \"{parent}\" to be the parent."},
    {"unit_parent_cycle", "Cấp trên không hợp lệ",
     "Đơn vị {parent} là chính {code} hoặc thuộc {code}; không thể làm cấp trên của {code}.",
     "Parent would make a cycle",
     "The unit {parent} is {code} itself or below it; it cannot be the parent of {code}."},
    {"unknown_origin_unit", "Không có đơn vị cũ",
     "Không có đơn vị mã \"{origin}\" để ghi là đơn vị hình thành nên {code}.",
     "Unknown origin unit", "There is no unit with code \"{origin}\" that {code} was formed from."},
    {"unit_origin_self", "Đơn vị cũ không hợp lệ",
     "Đơn vị {code} không thể được hình thành từ chính nó.", "Unit formed from itself",
     "The unit {code} cannot be formed from itself."},
    {"unit_not_found", "Không có đơn vị", "Không có đơn vị mã \"{code}\".", "Unit not found",
     "There is no unit with code \"{code}\"."},
    {"unit_disabled", "Đơn vị đã ngừng hoạt động",
     "Đơn vị {unit} (trường {field}) đã bị vô hiệu hóa; không thêm người dùng hay đợt đánh giá "
     "mới cho đơn vị này.",
     "Unit disabled",
     "The unit {unit} (field {field}) is disabled; no new users or campaigns take it."},
    {"password_change_required", "Cần đổi mật khẩu",
     "Mật khẩu hiện tại là mật khẩu dùng một lần; hãy đặt mật khẩu mới (PUT /api/v1/me/password) "
     "trước khi làm việc khác.",
     "Password change required",
     "Your password is a one-time password; set your own (PUT /api/v1/me/password) before "
     "doing anything else."},
    // Campaign set-up (issue 10): each names the field the request sent.
    {"invalid_campaign_name", "Thiếu tên đợt đánh giá",
     "Trường \"{field}\" phải có tên đợt đánh giá, không để trống.", "Campaign name missing",
     "The field \"{field}\" must hold the campaign's name; it is empty."},
    {"invalid_time_zone", "Múi giờ không hợp lệ",
     "Múi giờ \"{value}\" (trường {field}) không được hỗ trợ; dùng Asia/Ho_Chi_Minh, UTC hoặc "
     "+HH:MM.",
     "Invalid time zone",
     "The time zone \"{value}\" (field {field}) is not supported; use Asia/Ho_Chi_Minh, UTC or "
     "+HH:MM."},
    {"schedule_out_of_order", "Lịch không theo thứ tự",
     "{field} ({value}) sớm hơn mốc trước nó; phải có self_deadline ≤ round1_end ≤ round2_end ≤ "
     "council_date.",
     "Schedule out of order",
     "{field} ({value}) is earlier than the date before it; self_deadline ≤ round1_end ≤ "
     "round2_end ≤ council_date must hold."},
    {"schedule_in_past", "Hạn đã qua",
     "{field} ({value}) đã qua: hồ sơ sẽ bị nộp tự động ngay và không sửa được nữa. Để nhập kết "
     "quả một năm đã qua, tạo đợt với \"historical\": true.",
     "Deadline already past",
     "{field} ({value}) has passed: every file would be submitted at once and could not be "
     "edited. To load a past year's results, create the campaign with \"historical\": true."},
    {"invalid_bands", "Mức xếp loại không hợp lệ",
     "Mức xếp loại không hợp lệ ở {field} (\"{value}\"): cần ít nhất một mức, mỗi mức có tên, "
     "ngưỡng giảm dần từ mức đầu.",
     "Invalid classification bands",
     "Invalid classification band at {field} (\"{value}\"): at least one band, each with a "
     "label, thresholds falling from the first."},
    {"invalid_approval_rule", "Quy tắc thông qua không hợp lệ",
     "{field} = {value} không hợp lệ: tỷ lệ num/den phải trong (0, 1] và quorum ≥ 1.",
     "Invalid approval rule",
     "{field} = {value} is invalid: the fraction num/den must lie in (0, 1] and quorum ≥ 1."},
    {"no_groups", "Chưa có nhóm đơn vị",
     "Đợt đánh giá cần ít nhất một nhóm đơn vị trong trường \"groups\".", "No unit groups",
     "A campaign needs at least one unit group in the field \"groups\"."},
    {"invalid_group_key", "Mã nhóm không hợp lệ",
     "Mã nhóm \"{value}\" ({field}) trống hoặc trùng với nhóm khác.", "Invalid group key",
     "The group key \"{value}\" ({field}) is empty or used by another group."},
    {"unknown_criteria_set", "Không có bộ tiêu chí",
     "Không có bộ tiêu chí mã \"{value}\" (trường {field}).", "Unknown criteria set",
     "There is no criteria set with key \"{value}\" (field {field})."},
    {"unit_in_two_groups", "Đơn vị ở hai nhóm",
     "Đơn vị {unit} ({field}) đã có trong một nhóm khác; mỗi đơn vị chỉ thuộc một nhóm.",
     "Unit in two groups",
     "The unit {unit} ({field}) is already in another group; a unit belongs to one group."},
    {"unit_not_in_campaign", "Đơn vị không thuộc đợt",
     "Đơn vị {unit} ({field}) không có trong nhóm nào của đợt đánh giá này.",
     "Unit not in the campaign", "The unit {unit} ({field}) is in none of this campaign's groups."},
    {"unknown_user", "Không có người dùng", "Không có người dùng \"{username}\" ({field}).",
     "Unknown user", "There is no user \"{username}\" ({field})."},
    {"user_not_appraiser", "Không phải người thẩm định",
     "{username} ({field}) không có vai trò appraiser nên không được phân công thẩm định.",
     "Not an appraiser",
     "{username} ({field}) does not have the role appraiser and cannot be assigned."},
    {"user_not_council_member", "Không phải thành viên Hội đồng",
     "{username} ({field}) không có vai trò council_member nên không ngồi Hội đồng được.",
     "Not a council member user",
     "{username} ({field}) does not have the role council_member and cannot sit on the "
     "council."},
    {"assignment_scope_required", "Phân công thiếu phạm vi",
     "Phân công {field} phải nêu lĩnh vực (\"field\"), đơn vị (\"unit\") hoặc cả hai.",
     "Assignment scope missing",
     "The assignment {field} must name a field (\"field\"), a unit (\"unit\") or both."},
    {"campaign_exists", "Đợt đánh giá đã có",
     "Đã có đợt đánh giá cùng năm và cùng tên (mã {id}); nếu thật sự cần đợt thứ hai, gửi lại "
     "với \"confirm_duplicate\": true.",
     "Campaign exists",
     "A campaign of the same year and name exists (id {id}); to create a second one on "
     "purpose, send again with \"confirm_duplicate\": true."},
    {"duplicate_entry", "Mục bị lặp", "{field} (\"{value}\") lặp lại một mục đã có trước đó.",
     "Duplicate entry", "{field} (\"{value}\") repeats an earlier entry."},
    {"claimable_scope_required", "Thiếu đơn vị hoặc nhóm",
     "{field} phải nêu đúng một trong \"unit\" hoặc \"group\".", "Unit or group required",
     "{field} must name exactly one of \"unit\" or \"group\"."},
    {"unknown_group", "Không có nhóm",
     "Không có nhóm mã \"{value}\" ({field}) trong đợt đánh giá này.", "Unknown group",
     "There is no group \"{value}\" ({field}) in this campaign."},
    // Not evaluated, submission, publication, rankings, past years (issue 10).
    {"leaf_not_evaluated", "Tiêu chí không đánh giá",
     "Tiêu chí {code} không đánh giá (hoặc đang đề nghị không đánh giá) với đơn vị này nên không "
     "nhận điểm.",
     "Criterion not evaluated",
     "Criterion {code} is not evaluated (or claimed to be) for this unit; it takes no score."},
    {"not_claimable", "Không được đề nghị không đánh giá",
     "Đợt đánh giá không cho đơn vị này đề nghị không đánh giá tiêu chí {code}; chỉ Ban thư ký "
     "quyết định.",
     "Not claimable",
     "The campaign does not let this unit claim criterion {code} is not evaluated; only the "
     "secretariat decides it."},
    {"no_claim", "Không có đề nghị",
     "Tiêu chí {code} không có đề nghị không đánh giá nào để xác nhận hay bác bỏ.", "No claim",
     "Criterion {code} has no not-evaluated claim to confirm or reject."},
    {"leaf_has_score", "Tiêu chí đã có điểm",
     "Tiêu chí {code} đã có điểm tự chấm {score}; hãy xóa điểm (self_score: null) khi đề nghị "
     "không đánh giá.",
     "Criterion has a score",
     "Criterion {code} has the self score {score}; clear it (self_score: null) when claiming "
     "it is not evaluated."},
    {"self_scores_missing", "Còn tiêu chí chưa tự chấm",
     "Còn {count} tiêu chí chưa tự chấm điểm ({codes}); sẽ được tính 0 điểm. Nếu vẫn nộp, gửi "
     "lại với \"confirm_missing_self_scores\": true.",
     "Self scores missing",
     "Criteria without a self score: {count} ({codes}); they would count as 0. To submit "
     "anyway, send again with \"confirm_missing_self_scores\": true."},
    {"historical_incomplete", "Chưa đủ điểm",
     "Còn {count} tiêu chí chưa có điểm cuối cùng; hãy nhập đủ trước khi thông qua.",
     "Final scores missing",
     "Criteria without a final score: {count}; import them before approving."},
    {"decision_required", "Thiếu quyết định công bố",
     "Công bố cần số và ngày quyết định; trường \"{field}\" đang trống.", "Decision required",
     "Publication needs the decision's number and date; the field \"{field}\" is empty."},
    {"invalid_decision_date", "Ngày quyết định không hợp lệ",
     "Ngày quyết định \"{date}\" ({field}) phải là một ngày có thật dạng YYYY-MM-DD, không sau "
     "hôm nay ({today}).",
     "Invalid decision date",
     "The decision date \"{date}\" ({field}) must be a real date written YYYY-MM-DD, not after "
     "today ({today})."},
    {"nothing_to_publish", "Không có hồ sơ để công bố",
     "Đợt đánh giá chưa có hồ sơ nào được Hội đồng thông qua.", "Nothing to publish",
     "No file of the campaign has been approved by the council."},
    {"ranking_not_published", "Kết quả chưa công bố",
     "Kết quả của các đơn vị chưa được công bố; đơn vị chỉ xem hồ sơ của mình cho đến khi công "
     "bố.",
     "Results not published",
     "The units' results are not published yet; until then an agency sees its own file only."},
    {"busy", "Máy chủ đang bận", "Máy chủ đang bận; hãy thử lại sau giây lát.", "Server busy",
     "The server is busy; try again shortly."},
    {"not_ready", "Chưa sẵn sàng", "Cơ sở dữ liệu không phản hồi.", "Not ready",
     "The database does not answer."},
    {"storage_failed", "Lỗi ghi đĩa",
     "Ổ đĩa không xác nhận đã lưu thay đổi, nên thay đổi này có thể đã mất. Máy chủ ngừng nhận "
     "thay đổi cho đến khi quản trị viên kiểm tra ổ đĩa và khởi động lại; sau đó hãy xem lại dữ "
     "liệu và gửi lại nếu thiếu.",
     "Storage failure",
     "The disk did not confirm that the change was saved, so it may be lost. The server takes "
     "no changes until an administrator checks the disk and restarts it; then check the data "
     "and send the change again if it is missing."},
    {"timeout", "Hết thời gian", "Yêu cầu không hoàn tất trong {seconds} giây.", "Request timeout",
     "The request did not complete within {seconds} seconds."},
    {"storage_full", "Hết chỗ lưu trữ",
     "Máy chủ không còn chỗ lưu dữ liệu; những gì đã nhận được vẫn giữ nguyên. Hãy báo quản trị "
     "viên, rồi gửi lại (một tệp đang tải lên sẽ tiếp tục từ chỗ đã dừng).",
     "Insufficient storage",
     "The server has no room left to store data; what it had received is kept. Tell the "
     "administrator, then try again (an upload resumes where it stopped)."},
    {"internal_error", "Lỗi máy chủ",
     "Đã xảy ra lỗi máy chủ; mã yêu cầu {request_id} giúp quản trị viên tìm nguyên nhân.",
     "Internal server error",
     "The server failed; request id {request_id} helps the administrator find out why."},
};

const entry* find(std::string_view code) {
  auto it = std::ranges::find(catalogue, code, &entry::code);
  return it == std::end(catalogue) ? nullptr : it;
}

std::string fill(std::string_view text, const message_args& args) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close != std::string_view::npos) {
        auto name = text.substr(i + 1, close - i - 1);
        auto it = std::ranges::find(args, name, &std::pair<std::string, std::string>::first);
        if (it != args.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

language negotiate_language(std::string_view header) noexcept {
  language best = language::vi;
  int best_q = -1;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto semi = item.find(';');
    auto lang = item.substr(0, semi);
    while (!lang.empty() && lang.back() == ' ') lang.remove_suffix(1);
    int q = 1000;
    if (semi != std::string_view::npos) {
      auto params = item.substr(semi + 1);
      if (auto qpos = params.find("q="); qpos != std::string_view::npos) {
        auto v = params.substr(qpos + 2);
        // q is 0 to 1 with at most three decimals; read it as thousandths.
        int whole = v.starts_with("1") ? 1000 : 0;
        int frac = 0, scale = 100;
        auto dot = v.find('.');
        if (dot != std::string_view::npos)
          for (std::size_t i = dot + 1; i < v.size() && scale > 0 && v[i] >= '0' && v[i] <= '9';
               ++i, scale /= 10)
            frac += (v[i] - '0') * scale;
        q = std::min(1000, whole + frac);
      }
    }
    auto primary = lang.substr(0, lang.find('-'));
    std::optional<language> l;
    if (primary.size() == 2 && (primary[0] | 0x20) == 'e' && (primary[1] | 0x20) == 'n')
      l = language::en;
    if (primary.size() == 2 && (primary[0] | 0x20) == 'v' && (primary[1] | 0x20) == 'i')
      l = language::vi;
    if (l && q > 0 && q > best_q) {
      best = *l;
      best_q = q;
    }
  }
  return best;
}

std::string_view tag(language l) noexcept {
  return l == language::en ? "en" : "vi";
}

localized message_for(std::string_view code, language l, const message_args& args) {
  const entry* e = find(code);
  if (!e) e = find("internal_error");
  return l == language::en ? localized{std::string{e->title_en}, fill(e->detail_en, args)}
                           : localized{std::string{e->title_vi}, fill(e->detail_vi, args)};
}

bool has_message(std::string_view code) noexcept {
  return find(code) != nullptr;
}

std::vector<std::string_view> message_codes() {
  std::vector<std::string_view> out;
  for (const auto& e : catalogue) out.push_back(e.code);
  return out;
}

std::vector<std::string> placeholders(std::string_view code, language l) {
  std::vector<std::string> out;
  const entry* e = find(code);
  if (!e) return out;
  const std::string_view text = l == language::en ? e->detail_en : e->detail_vi;
  for (std::size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    auto close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.emplace_back(text.substr(open + 1, close - open - 1));
  }
  return out;
}

}  // namespace parix::server
