#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run once; the seeds are committed).

Each seed is a small but realistic input of its target, so that the fuzzer starts from
the formats parix really meets. Crash inputs found later are kept beside them
(crash-*, regression-*), and tests/run.sh replays every file.
"""
import io, os, struct, zipfile, zlib, json

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def seed(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def zip_bytes(entries, stored=False):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return b.getvalue()

def local(name, method, crc, csize, usize):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0) + name

def central(name, method, crc, csize, usize, off):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize, usize,
                       len(name), 0, 0, 0, 0, 0, off) + name

def eocd(n, size, off):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, off, 0)

def crafted_overlap(n=20, size=1 << 16):
    raw = b"\0" * size
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = c.compress(raw) + c.flush()
    body = local(b"a.txt", 8, zlib.crc32(raw), len(comp), size) + comp
    cd = b"".join(central(b"a.txt", 8, zlib.crc32(raw), len(comp), size, 0) for _ in range(n))
    return body + cd + eocd(n, len(cd), len(body))

def crafted_mismatch():
    data = b"hello\n"
    body = local(b"safe.txt", 0, zlib.crc32(data), len(data), len(data)) + data
    cd = central(b"../../evil.txt", 0, zlib.crc32(data), len(data), len(data), 0)
    return body + cd + eocd(1, len(cd), len(body))

def cfb(names):
    b = bytearray(512 * 3)
    b[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
    struct.pack_into("<HHHHH", b, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", b, 0x2C, 1)
    struct.pack_into("<I", b, 0x30, 1)
    struct.pack_into("<I", b, 0x38, 4096)
    struct.pack_into("<I", b, 0x3C, 0xFFFFFFFE)
    struct.pack_into("<I", b, 0x44, 0xFFFFFFFE)
    struct.pack_into("<I", b, 0x4C, 0)
    for i in range(1, 109):
        struct.pack_into("<I", b, 0x4C + i * 4, 0xFFFFFFFF)
    struct.pack_into("<II", b, 512, 0xFFFFFFFD, 0xFFFFFFFE)
    for i in range(2, 128):
        struct.pack_into("<I", b, 512 + i * 4, 0xFFFFFFFF)
    entries = [("Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1)]
    for i, n in enumerate(names):
        entries.append((n, 2, 0xFFFFFFFF, i + 2 if i + 1 < len(names) else 0xFFFFFFFF, 0xFFFFFFFF))
    for i, (name, kind, left, right, child) in enumerate(entries[:4]):
        at = 1024 + i * 128
        for k, ch in enumerate(name):
            struct.pack_into("<H", b, at + 2 * k, ord(ch))
        struct.pack_into("<H", b, at + 0x40, (len(name) + 1) * 2)
        b[at + 0x42] = kind
        struct.pack_into("<III", b, at + 0x44, left, right, child)
    return bytes(b)

docx = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])
xlsx = zip_bytes([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")])
odt = zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")], stored=True)
plain_zip = zip_bytes([("Báo cáo/", ""), ("Báo cáo/Quyết định số 12.pdf", "%PDF-1.7\n" + "x" * 300),
                       ("inner.zip", zip_bytes([("a.pdf", "%PDF-1.7")]))])
pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
png = b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89"
jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9"

# ZIP inspection: central directory and local headers.
for name, data in [("plain.zip", plain_zip), ("docx.zip", docx), ("odt.zip", odt),
                   ("overlap.zip", crafted_overlap()), ("mismatch.zip", crafted_mismatch()),
                   ("cut.zip", plain_zip[: plain_zip.find(b"PK\x01\x02")]), ("empty.zip", eocd(0, 0, 0))]:
    seed("zip_inspect", name, data)

# Content types: the first byte picks the name the user gave (see the target).
for name, data in [("pdf", pdf), ("png", png), ("jpeg", jpeg), ("docx", docx), ("xlsx", xlsx),
                   ("odt", odt), ("doc", cfb(["1Table", "WordDocument"])), ("xls", cfb(["Workbook"])),
                   ("ppt", cfb(["PowerPoint Document"])), ("html", b"<!doctype html><p>x</p>")]:
    seed("content_type", name, b"\x00" + data)

# File names as users type them.
for i, n in enumerate(["Quyết định số 12/QĐ-UBND.pdf", "C:\\Users\\a\\Báo cáo.docx", "../../etc/passwd",
                       "Quye\u0301t.pdf", "a\u202Egnp.exe", "  .hidden. ", "x" * 300 + ".pdf", "Số 12. Báo cáo"]):
    seed("file_name", "name%d" % i, n)

# Exact points.
for i, p in enumerate(["24", "0.25", "1.4883", "-8.9", "0.00001", "99999999999999999999", "1e3", " 1", "1,5"]):
    seed("points", "p%d" % i, b"\x00" + p.encode())

# Criteria CSV: the shipped 2024 sets and a broken one.
here = os.path.dirname(os.path.abspath(__file__))
sets = os.path.join(here, "..", "..", "workflow", "criteria_sets")
for f in sorted(os.listdir(sets)):
    with open(os.path.join(sets, f), "rb") as src:
        seed("criteria_csv", f, src.read())
seed("criteria_csv", "broken.csv", "code,title,max_points\n1,Lĩnh vực,10\n1.1,Tiêu chí,4\n1.1,Trùng,6\n")

# Score imports: unit_code,criterion_code,score.
seed("score_import", "ok.csv", "unit_code,criterion_code,score\nSTP,1.1.1,0.5\nSTC,7.1.1,1\n")
seed("score_import", "bad.csv", "unit_code,criterion_code,score\nSTP,9.9.9,x\n\"STC\",1.1.1,0.12345\n")

# JSON bodies of the write routes: byte 0 picks the route, byte 1 the variant (see the target).
bodies = [
    (0, {"username": "admin", "password": "fuzz-password-2024"}),
    (1, {"current_password": "x", "new_password": "y" * 12}),
    (2, {"username": "moi", "display_name": "Người mới", "role": "auditor", "password": "mat-khau-dai-12"}),
    (3, {"display_name": "Tên", "role": "agency_editor", "unit": "STP", "disabled": False}),
    (4, {"password": "mat-khau-moi-123"}),
    (5, {"name": "khóa", "expires_in_days": 30}),
    (6, {"year": 2025, "name": "Năm 2025", "schedule": {"self_deadline": "2025-01-31T17:00:00+07:00",
         "round1_end": "2025-02-28T17:00:00+07:00", "round2_end": "2025-03-31T17:00:00+07:00",
         "council_date": "2025-04-15T09:00:00+07:00", "window_length_hours": 48, "grace_minutes": 30},
         "groups": [{"key": "departments", "name": "Sở", "criteria_set": "2024-departments", "units": ["STP"]}],
         "council": ["hoidong"], "assignments": [{"username": "thamdinh", "field": "2"}]}),
    (7, {"decision_number": "12/QĐ-UBND", "decision_date": "2025-05-01"}),
    (8, {"self_score": "0.5", "self_explanation": "Đã ban hành kế hoạch"}),
    (9, {"round1_score": "0.25", "round1_remark": "Thiếu tài liệu", "needs_explanation": True}),
    (10, {"event": "submit"}),
    (11, {"event": "vote_return", "reason": "Chưa đạt"}),
    (12, {"upload_id": "abc", "document": {"number": "12/QĐ", "issue_date": "2024-03-01", "issuer": "UBND", "summary": "x"}}),
    (13, {"event": "adjust", "points": "-8.9", "reason": "Đánh giá riêng"}),
]
for route, body in bodies:
    seed("json_routes", "route%02d" % route, bytes([route, 0]) + json.dumps(body, ensure_ascii=False).encode())
seed("json_routes", "nested", bytes([8, 1]) + b"[" * 64 + b"]" * 64)
seed("json_routes", "bad_utf8", bytes([2, 0]) + b'{"username":"\xff\xfe"}')

# tus: byte 0 picks the request, then header lines, a blank line, the body.
tus = [
    (0, "Tus-Resumable: 1.0.0\nUpload-Length: 9\nUpload-Metadata: filename YS5wZGY=,sha256 " +
        "ZTNiMGM0NDI5OGZjMWMxNDlhZmJmNGM4OTk2ZmI5MjQyN2FlNDFlNDY0OWI5MzRjYTQ5NTk5MWI3ODUyYjg1NQ==\n\n"),
    (1, "Tus-Resumable: 1.0.0\n\n"),
    (2, "Tus-Resumable: 1.0.0\nUpload-Offset: 0\nContent-Type: application/offset+octet-stream\n"
        "Upload-Checksum: sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n%PDF-1.7"),
    (3, "Tus-Resumable: 1.0.0\n\n"),
    (4, "\n"),
    (0, "Tus-Resumable: 1.0.0\nUpload-Length: -1\nUpload-Metadata: filename,,a  b,=\n\n"),
]
for i, (kind, text) in enumerate(tus):
    seed("tus_headers", "req%d" % i, bytes([kind]) + text.encode())

# BagIt: byte 0 = 0 is a ZIP bag, 1 is tag files separated by "\n--\n" (see the target).
import hashlib
payload = b"%PDF-1.7 bang chung"
manifest = "%s  data/Báo cáo.pdf\n" % hashlib.sha256(payload).hexdigest()
bagit_txt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
bag_info = "Payload-Oxum: %d.1\nBagging-Date: 2025-01-31\n" % len(payload)
tagmanifest = "".join("%s  %s\n" % (hashlib.sha256(t.encode()).hexdigest(), n)
                      for n, t in [("bag-info.txt", bag_info), ("bagit.txt", bagit_txt), ("manifest-sha256.txt", manifest)])
bag_zip = zip_bytes([("bagit.txt", bagit_txt), ("bag-info.txt", bag_info), ("manifest-sha256.txt", manifest),
                     ("data/Báo cáo.pdf", payload), ("tagmanifest-sha256.txt", tagmanifest)], stored=True)
seed("bagit", "bag.zip", b"\x00" + bag_zip)
seed("bagit", "tags", b"\x01" + "\n--\n".join([bagit_txt, bag_info, manifest, tagmanifest, "data/Báo cáo.pdf"]).encode())
seed("bagit", "bad_tags", b"\x01" + "\n--\n".join(["BagIt-Version: 2\n", "Payload-Oxum: x\n", "zz  ../x\n", "", ""]).encode())

# Audit exports: the log, "\n==\n", a checkpoint note (see the target; the key is the target's).
line1 = '[1,1700000000000,"admin","admin","127.0.0.1","login.succeeded","user/admin",null,null,null,null,null,"session/1",null,"' + "0" * 64 + '"]'
h1 = hashlib.sha256(line1.encode()).hexdigest()
seed("audit_verify", "one_entry", "%s %s\n\n==\nparix.audit\n1\nAAAA\n\n\u2014 parix.audit/0000 AAAA\n" % (h1, line1))
seed("audit_verify", "garbage", "xyz\n==\n\n")
print("seeds written to", root)
