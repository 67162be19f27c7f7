/* SPDX-License-Identifier: MIT */
/*
 * evidence_format.h - every on-disk format of the evidential record chain,
 * in one place: the record text encoding (field names, order, syntax), the
 * minisign key and signature structures, the spool layout and the evidence
 * bundle. docs/record-format.md, docs/spool.md and docs/keys.md describe the
 * same things in prose, byte for byte; keep them in step with this file.
 *
 * Nothing here does I/O.
 */
#ifndef ANPR_EVIDENCE_FORMAT_H
#define ANPR_EVIDENCE_FORMAT_H

#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/*
 * A record is a text file of "key=value" lines, ASCII only, each line ended
 * by one LF (no CR, no blank line, no trailing space). The fields and their
 * order are fixed per record type (tables below); every field is present
 * exactly once. The first line is "format=anpr-record/N", N the format's
 * version, which decides the tables; the second is "type=...". A record
 * is canonical: decoding it and encoding it again gives the same bytes, and
 * verifiers reject anything else.
 *
 * The record's hash is the SHA-256 of the whole file (what sha256sum
 * prints); the next record in the chain carries it as prev_hash.
 *
 * Versions. The writer writes only EV_FORMAT_NAME; verifiers read every
 * version, for ever (records already held are evidence):
 *  anpr-record/1  the first format.
 *  anpr-record/2  every type as in /1 but for line 1; a read also says
 *                 which source saw the vehicle (source), whether its frames
 *                 were live or replayed from a recording (input), and which
 *                 hotlist set was in force at the decision (hotlist_set_
 *                 sha256, defined below). A chain written by
 *                 older software and continued by newer holds /1 records
 *                 then /2 records; a /1 record after a /2 record in one
 *                 chain is refused (a version never goes back).
 *  anpr-record/3  every type as in /2 but for line 1; a read also says how
 *                 its capture time was obtained (capture_clock: the camera's
 *                 RTCP-synchronised clock, estimated, the host's receive
 *                 time, a sensor's or driver's timestamp, synthetic) and
 *                 whether the camera's and the host's clocks disagreed
 *                 (clocks_disagree). The same rule: /1 or /2 after /3 in
 *                 a chain is refused.
 *  anpr-record/4  every type as in /3 but for line 1; a read also says
 *                 whether its plate was read (plate_state=read) or found
 *                 but not read (unreadable:REASON, with vrm "-", no
 *                 hotlist match). The same rule: /1../3 after /4 in a
 *                 chain is refused.
 */
#define EV_FORMAT_NAME		"anpr-record/4"
#define EV_FORMAT_VERSION	4
#define EV_FORMAT_PREFIX	"anpr-record/"	/* + version */
#define EV_FORMAT_NAME_V1	"anpr-record/1"
#define EV_FORMAT_NAME_V2	"anpr-record/2"
#define EV_FORMAT_NAME_V3	"anpr-record/3"
#define EV_FORMAT_MIN		1		/* oldest version still read */
#define EV_RECORD_MAX		4096		/* bytes in one record file */
#define EV_VALUE_MAX		256		/* bytes in one value */
#define EV_KEY_MAX		32		/* bytes in one key */
#define EV_FIELDS_MAX		48

#define EV_HASH_LEN		32		/* SHA-256 */
#define EV_HASH_HEX		64
#define EV_ZERO_HASH_HEX \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define EV_CHAIN_ID_LEN		8		/* random, fixed at genesis */
#define EV_CAMERA_ID_MAX	32		/* [A-Za-z0-9_-]{1,32} */
#define EV_VRM_MAX		16		/* [A-Z0-9 ], as read */

/* Record types (value of the "type" field). */
#define EV_TYPE_READ		"read"
#define EV_TYPE_HEARTBEAT	"heartbeat"
#define EV_TYPE_CHECKPOINT	"checkpoint"
#define EV_TYPE_KEY_ROTATION	"key-rotation"

enum ev_type {
	EV_READ = 0,
	EV_HEARTBEAT,
	EV_CHECKPOINT,
	EV_KEY_ROTATION,
	EV_TYPE_COUNT
};

/*
 * Syntax classes of values. Every value is non-empty.
 *  UINT    decimal, no sign, no leading zero (except "0"), fits uint64
 *  SINT    like UINT with an optional leading '-' ("-0" refused)
 *  FIX6    signed fixed point with exactly 6 decimals: "-51.507351"
 *  FIX3    unsigned fixed point with exactly 3 decimals: "0.973"
 *  BOOL    "0" or "1"
 *  HASH    64 lower-case hex digits (SHA-256)
 *  HEX16   16 upper-case hex digits (key id, chain id)
 *  TOKEN   [A-Za-z0-9_.:+-], 1..64 bytes
 *  TEXT    printable ASCII (0x20..0x7e), no leading or trailing space
 *  VRM     [A-Z0-9 ], 1..16 bytes, no leading/trailing/double space;
 *          since /4 also "-", only with plate_state unreadable:REASON
 *  TIME    UTC, "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (microseconds)
 *  FILE    a plain file name [A-Za-z0-9_.-], or "-" for none
 *  HASHN   HASH, or "-" for none (paired with a FILE of "-")
 *  B64     a minisign public key line (56 base64 characters)
 *  FORMAT  "anpr-record/1".."anpr-record/4" (EV_FORMAT_MIN..VERSION)
 *  TYPE    one of the EV_TYPE_* names
 *  INPUT   EV_INPUT_LIVE or EV_INPUT_REPLAY                (since /2)
 *  CAPCLK  one of the EV_CAPCLK_* names (ev_capclk_names)   (since /3)
 *  PSTATE  "read", or "unreadable:" and one of EV_UNREAD_* (since /4)
 */
enum ev_kind {
	EV_K_UINT, EV_K_SINT, EV_K_FIX6, EV_K_FIX3, EV_K_BOOL, EV_K_HASH,
	EV_K_HEX16, EV_K_TOKEN, EV_K_TEXT, EV_K_VRM, EV_K_TIME, EV_K_FILE,
	EV_K_HASHN, EV_K_B64, EV_K_FORMAT, EV_K_TYPE, EV_K_INPUT, EV_K_CAPCLK,
	EV_K_PSTATE
};

/*
 * Fields common to every record, in this order, first in the file.
 * X(identifier, "name", kind)
 */
#define EV_FIELDS_COMMON(X) \
	X(FORMAT,          "format",              EV_K_FORMAT) \
	X(TYPE,            "type",                EV_K_TYPE)   \
	X(RECORD_ID,       "record_id",           EV_K_TOKEN)  \
	X(CAMERA_ID,       "camera_id",           EV_K_TOKEN)  \
	X(CHAIN_ID,        "chain_id",            EV_K_HEX16)  \
	X(CHAIN_SEQ,       "chain_seq",           EV_K_UINT)   \
	X(PREV_HASH,       "prev_hash",           EV_K_HASH)   \
	X(KEY_ID,          "key_id",              EV_K_HEX16)  \
	X(TIME,            "time_utc",            EV_K_TIME)   \
	X(CLOCK_SYNCED,    "clock_synced",        EV_K_BOOL)   \
	X(CLOCK_ESTERR,    "clock_esterror_us",   EV_K_UINT)   \
	X(CLOCK_MAXERR,    "clock_maxerror_us",   EV_K_UINT)   \
	X(MONO_NS,         "monotonic_ns",        EV_K_UINT)   \
	X(SITE_ID,         "site_id",             EV_K_TOKEN)  \
	X(LAT,             "site_lat",            EV_K_FIX6)   \
	X(LON,             "site_lon",            EV_K_FIX6)   \
	X(BEARING,         "site_bearing_deg",    EV_K_UINT)   \
	X(SW_VERSION,      "software_version",    EV_K_TOKEN)  \
	X(MODEL_HASH,      "reader_model_sha256", EV_K_HASH)   \
	X(CONFIG_HASH,     "config_sha256",       EV_K_HASH)

/* type=read: one vehicle pass. In anpr-record/1 these fields, in this
 * order; anpr-record/2 adds EV_FIELDS_READ_V2's (order: EV_READ_V2_ORDER). */
#define EV_FIELDS_READ(X) \
	X(LANE,            "lane",                EV_K_UINT)   \
	X(FRAME_SEQ,       "frame_seq",           EV_K_UINT)   \
	X(VRM,             "vrm",                 EV_K_VRM)    \
	X(REGION,          "region",              EV_K_TOKEN)  \
	X(CONFIDENCE,      "confidence",          EV_K_FIX3)   \
	X(HOTLIST,         "hotlist",             EV_K_TOKEN)  \
	X(HOTLIST_ENTRY,   "hotlist_entry",       EV_K_TEXT)   \
	X(POSITION,        "position",            EV_K_TEXT)   \
	X(PLATE_FILE,      "plate_image",         EV_K_FILE)   \
	X(PLATE_HASH,      "plate_image_sha256",  EV_K_HASHN)  \
	X(OVERVIEW_FILE,   "overview_image",      EV_K_FILE)   \
	X(OVERVIEW_HASH,   "overview_image_sha256", EV_K_HASHN)

/*
 * Added to type=read by anpr-record/2. Their identifiers come after every
 * /1 field's (EV_F_* of /1 fields keep their values); their place in the
 * file is given by EV_READ_V2_ORDER.
 *  source               the [source NAME] of anprd.conf whose frames the
 *                       vehicle was read in (a name, never the URI: a URI
 *                       may hold a password)
 *  input                live: frames from a camera or sensor as they were
 *                       captured; replay: frames replayed from a
 *                       recording (a file: source), whose capture times
 *                       are the replay's, not the recording's
 *  hotlist_set_sha256   the hotlist set in force when the read was checked
 *                       (how it is computed: below)
 */
#define EV_FIELDS_READ_V2(X) \
	X(SOURCE,          "source",              EV_K_TOKEN)  \
	X(INPUT,           "input",               EV_K_INPUT)  \
	X(HOTLIST_SET_HASH, "hotlist_set_sha256", EV_K_HASH)

/* The read fields of anpr-record/2, in file order after the common ones
 * (names and classes as defined above). X(identifier) */
#define EV_READ_V2_ORDER(X) \
	X(LANE) \
	X(SOURCE) \
	X(INPUT) \
	X(FRAME_SEQ) \
	X(VRM) \
	X(REGION) \
	X(CONFIDENCE) \
	X(HOTLIST) \
	X(HOTLIST_ENTRY) \
	X(HOTLIST_SET_HASH) \
	X(POSITION) \
	X(PLATE_FILE) \
	X(PLATE_HASH) \
	X(OVERVIEW_FILE) \
	X(OVERVIEW_HASH)

/* input values (anpr-record/2) */
#define EV_INPUT_LIVE		"live"
#define EV_INPUT_REPLAY		"replay"

/*
 * Added to type=read by anpr-record/3 (identifiers after every /2 field's;
 * place in the file: EV_READ_V3_ORDER, right after input).
 *  capture_clock    how time_utc was obtained (EV_CAPCLK_*, below)
 *  clocks_disagree  1: the camera's clock put the capture more than 10 s
 *                   before, or more than 50 ms after, its arrival here, so
 *                   time_utc is the arrival (capture_clock still says what
 *                   the camera's time was); 0 otherwise, and always 0 for
 *                   sources with no clock of their own
 */
#define EV_FIELDS_READ_V3(X) \
	X(CAPTURE_CLOCK,   "capture_clock",       EV_K_CAPCLK) \
	X(CLOCKS_DISAGREE, "clocks_disagree",     EV_K_BOOL)

/* The read fields of anpr-record/3, in file order after the common ones. */
#define EV_READ_V3_ORDER(X) \
	X(LANE) \
	X(SOURCE) \
	X(INPUT) \
	X(CAPTURE_CLOCK) \
	X(CLOCKS_DISAGREE) \
	X(FRAME_SEQ) \
	X(VRM) \
	X(REGION) \
	X(CONFIDENCE) \
	X(HOTLIST) \
	X(HOTLIST_ENTRY) \
	X(HOTLIST_SET_HASH) \
	X(POSITION) \
	X(PLATE_FILE) \
	X(PLATE_HASH) \
	X(OVERVIEW_FILE) \
	X(OVERVIEW_HASH)

/*
 * Added to type=read by anpr-record/4 (identifiers after every /3 field's;
 * place in the file: EV_READ_V4_ORDER, right after vrm).
 *  plate_state  read: the plate was read, vrm is its mark (as in /1../3);
 *               unreadable:REASON: a plate was found in at least 3 frames
 *               of the vehicle's pass and read in none, vrm is "-",
 *               confidence is the strength of the plate's evidence (not
 *               of a reading), hotlist and hotlist_entry are "-", the
 *               plate image is of the frame with the strongest evidence.
 *               REASON: no-characters (a plate's ground with no line of
 *               characters: blacked out, a "ghost" plate), not-read
 *               (characters found but not read: covered in part, dirty),
 *               no-format (characters read that fit no format).
 */
#define EV_FIELDS_READ_V4(X) \
	X(PLATE_STATE,     "plate_state",         EV_K_PSTATE)

#define EV_PLATE_READ		"read"
#define EV_PLATE_UNREADABLE	"unreadable:"	/* + a reason */
#define EV_UNREAD_NO_CHARS	"no-characters"
#define EV_UNREAD_NOT_READ	"not-read"
#define EV_UNREAD_NO_FORMAT	"no-format"

/* The read fields of anpr-record/4, in file order after the common ones. */
#define EV_READ_V4_ORDER(X) \
	X(LANE) \
	X(SOURCE) \
	X(INPUT) \
	X(CAPTURE_CLOCK) \
	X(CLOCKS_DISAGREE) \
	X(FRAME_SEQ) \
	X(VRM) \
	X(PLATE_STATE) \
	X(REGION) \
	X(CONFIDENCE) \
	X(HOTLIST) \
	X(HOTLIST_ENTRY) \
	X(HOTLIST_SET_HASH) \
	X(POSITION) \
	X(PLATE_FILE) \
	X(PLATE_HASH) \
	X(OVERVIEW_FILE) \
	X(OVERVIEW_HASH)

/*
 * capture_clock values (anpr-record/3): where the capture time came from.
 * The frame's timestamp is mapped to time_utc through the host's clock
 * (clock_synced and the error bounds say how far that could be trusted);
 * this says what the frame's timestamp itself was.
 *  camera-synchronised  an IP camera's RTP timestamp mapped to its wall
 *                       clock by an RTCP sender report of this session
 *  camera-estimated     an IP camera with no sender report yet in this
 *                       session (after a reconnect): arrival time plus the
 *                       camera's offset measured on the last synchronised
 *                       frame
 *  receive-time         the host's time the frame arrived: an IP camera
 *                       that never sent a sender report, or a device with
 *                       no timestamp of its own
 *  sensor-exposure      a local sensor's start of exposure, stamped by the
 *                       kernel driver (anprcap, V4L2) or the USB sensor
 *  driver-frame-end     the end of the frame, stamped by the driver
 *  synthetic            computed from the nominal frame rate: a recording
 *                       replayed (input=replay) or a simulated source
 *  unknown              the source did not say
 * X(identifier, "name")
 */
#define EV_CAPCLK_VALUES(X) \
	X(UNKNOWN,             "unknown")             \
	X(CAMERA_SYNCHRONISED, "camera-synchronised") \
	X(CAMERA_ESTIMATED,    "camera-estimated")    \
	X(RECEIVE_TIME,        "receive-time")        \
	X(SENSOR_EXPOSURE,     "sensor-exposure")     \
	X(DRIVER_FRAME_END,    "driver-frame-end")    \
	X(SYNTHETIC,           "synthetic")
#define EV_X_CAPCLK(id, name) EV_CAPCLK_##id,
enum ev_capclk { EV_CAPCLK_VALUES(EV_X_CAPCLK) EV_CAPCLK_COUNT };
#undef EV_X_CAPCLK

/*
 * hotlist_set_sha256: one digest over the hotlist files loaded, so that
 * anyone holding the files can recompute it with coreutils alone:
 *   the SHA-256 of each file's bytes as loaded, as 64 lower-case hex
 *   digits and an LF, these lines sorted (bytewise ascending: the order
 *   of the files in anprd.conf does not matter), then SHA-256 of that text.
 *     sha256sum FILE... | cut -c1-64 | LC_ALL=C sort | sha256sum
 * No hotlist loaded: the SHA-256 of nothing, EV_HOTLIST_SET_NONE.
 */
#define EV_HOTLIST_SET_NONE \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* type=heartbeat: the camera is up; counters since the writer started. */
#define EV_FIELDS_HEARTBEAT(X) \
	X(EVENT,           "event",               EV_K_TOKEN)  \
	X(INTERVAL,        "interval_s",          EV_K_UINT)   \
	X(UPTIME,          "uptime_s",            EV_K_UINT)   \
	X(FRAMES_SEEN,     "frames_seen",         EV_K_UINT)   \
	X(READS_MADE,      "reads_made",          EV_K_UINT)   \
	X(FRAMES_DROPPED,  "frames_dropped",      EV_K_UINT)   \
	X(RECORDS_DROPPED, "records_dropped",     EV_K_UINT)

/* type=checkpoint: Merkle root over the records since the last one. */
#define EV_FIELDS_CHECKPOINT(X) \
	X(FIRST_SEQ,       "first_seq",           EV_K_UINT)   \
	X(LAST_SEQ,        "last_seq",            EV_K_UINT)   \
	X(CP_COUNT,        "count",               EV_K_UINT)   \
	X(MERKLE_ROOT,     "merkle_root",         EV_K_HASH)

/* type=key-rotation: signed by the old key and by the new key. */
#define EV_FIELDS_KEY_ROTATION(X) \
	X(OLD_KEY_ID,      "old_key_id",          EV_K_HEX16)  \
	X(NEW_KEY_ID,      "new_key_id",          EV_K_HEX16)  \
	X(NEW_PUBKEY,      "new_public_key",      EV_K_B64)

/* Values for fields that carry "nothing". */
#define EV_NONE			"-"
/* heartbeat event values */
#define EV_EVENT_START		"start"		/* writer (re)started */
#define EV_EVENT_PERIODIC	"periodic"
#define EV_EVENT_STOP		"stop"		/* orderly shutdown */

/* Field identifiers: EV_F_FORMAT, ..., EV_F_NEW_PUBKEY. */
#define EV_X_ENUM(id, name, kind) EV_F_##id,
enum ev_field {
	EV_FIELDS_COMMON(EV_X_ENUM)
	EV_FIELDS_READ(EV_X_ENUM)
	EV_FIELDS_HEARTBEAT(EV_X_ENUM)
	EV_FIELDS_CHECKPOINT(EV_X_ENUM)
	EV_FIELDS_KEY_ROTATION(EV_X_ENUM)
	EV_FIELDS_READ_V2(EV_X_ENUM)
	EV_FIELDS_READ_V3(EV_X_ENUM)
	EV_FIELDS_READ_V4(EV_X_ENUM)
	EV_F_COUNT
};
#undef EV_X_ENUM

/*
 * Merkle root of a checkpoint (RFC 6962 / RFC 9162 tree hash, SHA-256):
 *   leaf  = SHA-256(0x00 || record_hash)        record_hash: 32 raw bytes
 *   node  = SHA-256(0x01 || left || right)
 * over the record hashes of chain_seq first_seq..last_seq, in order; a
 * subtree of n > 1 leaves splits at the largest power of two below n.
 */
#define EV_MERKLE_LEAF_PREFIX	0x00
#define EV_MERKLE_NODE_PREFIX	0x01

/* ------------------------------------------------------------------ */
/* minisign structures (https://jedisct1.github.io/minisign/)          */
/* ------------------------------------------------------------------ */

#define EV_MS_SIGALG		"Ed"	/* public and secret keys; legacy sigs */
#define EV_MS_SIGALG_HASHED	"ED"	/* signature of BLAKE2b-512(file) */
#define EV_MS_KDF_SCRYPT	"Sc"
#define EV_MS_KDF_NONE		"\0\0"
#define EV_MS_CHKALG		"B2"
#define EV_MS_UNTRUSTED_PREFIX	"untrusted comment: "
#define EV_MS_TRUSTED_PREFIX	"trusted comment: "
#define EV_MS_COMMENT_MAX	1024
#define EV_MS_TRUSTED_MAX	8192
#define EV_KEYNUM_LEN		8
#define EV_PK_LEN		32
#define EV_SK_LEN		64
#define EV_SIG_LEN		64
#define EV_SALT_LEN		32

/* Base64 (standard alphabet, padded) of struct ev_ms_pubkey: 1 line. */
struct ev_ms_pubkey {
	uint8_t sig_alg[2];		/* "Ed" */
	uint8_t keynum[EV_KEYNUM_LEN];	/* key id, random */
	uint8_t pk[EV_PK_LEN];		/* Ed25519 public key */
};
#define EV_MS_PUBKEY_B64_LEN	56

/*
 * Base64 of struct ev_ms_seckey: 1 line. With kdf_alg "\0\0" the key is
 * stored in clear (minisign -W); with "Sc" keynum..chk are XORed with
 * scrypt(passphrase, kdf_salt, opslimit, memlimit) (minisign's default).
 * chk = BLAKE2b-256(sig_alg || keynum || sk).
 */
struct ev_ms_seckey {
	uint8_t sig_alg[2];		/* "Ed" */
	uint8_t kdf_alg[2];		/* "Sc" or "\0\0" */
	uint8_t chk_alg[2];		/* "B2" */
	uint8_t kdf_salt[EV_SALT_LEN];
	uint8_t kdf_opslimit_le[8];
	uint8_t kdf_memlimit_le[8];
	uint8_t keynum[EV_KEYNUM_LEN];
	uint8_t sk[EV_SK_LEN];		/* Ed25519 seed || public key */
	uint8_t chk[32];
};

/*
 * A detached signature file (NAME.minisig), four LF-ended lines:
 *   untrusted comment: <text>
 *   <base64 of struct ev_ms_sig>
 *   trusted comment: <text>
 *   <base64 of global_sig>
 * sig        = Ed25519(BLAKE2b-512(file contents))          (sig_alg "ED")
 * global_sig = Ed25519(sig || trusted comment text)
 */
struct ev_ms_sig {
	uint8_t sig_alg[2];		/* "ED" */
	uint8_t keynum[EV_KEYNUM_LEN];
	uint8_t sig[EV_SIG_LEN];
};
#define EV_MS_SIG_B64_LEN	100
#define EV_MS_GSIG_B64_LEN	88

_Static_assert(sizeof(struct ev_ms_pubkey) == 42, "pubkey layout");
_Static_assert(sizeof(struct ev_ms_seckey) == 158, "seckey layout");
_Static_assert(sizeof(struct ev_ms_sig) == 74, "sig layout");

/* The trusted comment of a record signature:
 *   "<format> file:<name> record_id:<id> chain_seq:<n> sha256:<hash>"
 * <format> the record's own format line value ("anpr-record/4"; records
 * of /1 to /3 say "anpr-record/1" to "anpr-record/3"), so `minisign -V` alone shows which record
 * and which hash it covers. */

/* scrypt parameters written by anpr-keygen --passphrase-file (libsodium's
 * "interactive" limits: ~16 MiB, well under a second). */
#define EV_KDF_OPSLIMIT		524288ULL
#define EV_KDF_MEMLIMIT		16777216ULL

/* ------------------------------------------------------------------ */
/* Spool layout (docs/spool.md)                                        */
/* ------------------------------------------------------------------ */

/*
 *   SPOOL/
 *     public.key                 the camera's current minisign public key
 *     public-KEYID.key           every key the chain has used
 *     head-SSSSSSSSSSSS          last committed record: "anpr-head/2" text
 *     head-SSSSSSSSSSSS.minisig  its signature (older pairs are removed)
 *     tmp/                       half-written files; emptied on open
 *     records/NNNNNNNN/          shard: chain_seq / EV_SHARD_SIZE, 8 digits
 *       SSSSSSSSSSSS.rec           the record (chain_seq, 12 digits)
 *       SSSSSSSSSSSS.rec.minisig   its detached signature
 *       SSSSSSSSSSSS.rec.new.minisig  key-rotation only: new key's signature
 *       SSSSSSSSSSSS.plate.jpg     plate patch (read records)
 *       SSSSSSSSSSSS.overview.jpg  overview (read records)
 */
#define EV_SPOOL_PUBKEY		"public.key"
#define EV_SPOOL_HEAD		"head-"	/* + 12-digit chain_seq */
#define EV_SPOOL_TMP		"tmp"
#define EV_SPOOL_RECORDS	"records"
#define EV_SHARD_SIZE		10000u
#define EV_SEQ_DIGITS		12
#define EV_SHARD_DIGITS		8
#define EV_SUFFIX_REC		".rec"
#define EV_SUFFIX_SIG		".minisig"
#define EV_SUFFIX_NEWSIG	".new.minisig"
#define EV_SUFFIX_PLATE		".plate.jpg"
#define EV_SUFFIX_OVERVIEW	".overview.jpg"

/*
 * The one parser of a spool file's name (the one builder is ev_rec_name):
 * exactly EV_SEQ_DIGITS digits, then the suffix, returned in *suffix.
 * Returns the chain_seq, or 0 if the name does not start so (no sign, no
 * blank, no shorter or longer number: "+12.rec", " 000000000012.rec" and
 * "0000000000012.rec" are not a record's name). Inline, so that
 * anpr-upload, which does not link the evidence library, parses names
 * exactly as the writer, recovery and the verifier do.
 */
static inline uint64_t ev_rec_name_seq(const char *name, const char **suffix)
{
	uint64_t v = 0;

	for (int i = 0; i < EV_SEQ_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*suffix = name + EV_SEQ_DIGITS;
	return v;
}

/*
 * The head file, signed like a record (head-SEQ.minisig):
 *   format=anpr-head/2
 *   chain_id=<HEX16>
 *   chain_seq=<last committed chain_seq>
 *   record_hash=<SHA-256 of that record file>
 *   key_id=<HEX16 of the key that signed the head>
 *   prev_head_seq=<chain_seq of the head published before this one, 0
 *                  for the chain's first head>
 * Written with every group commit. The writer keeps the head it names as
 * prev_head_seq until it publishes the next one, so the newest head's
 * predecessor is always present: a spool whose newest head's predecessor
 * is missing had a newer head removed (and with it, the records after
 * it). anpr-head/1 (no prev_head_seq) is still read.
 */
#define EV_HEAD_FORMAT		"anpr-head/2"
#define EV_HEAD_FORMAT_V1	"anpr-head/1"

/* ------------------------------------------------------------------ */
/* Evidence bundle (anpr-verify --export)                              */
/* ------------------------------------------------------------------ */

/*
 * A POSIX ustar archive:
 *   anpr-evidence/README.txt           how to re-verify with minisign
 *   anpr-evidence/public.key           (and public-KEYID.key per key)
 *   anpr-evidence/SHA256SUMS           sha256sum -c list of every file
 *   anpr-evidence/records/SSSSSSSSSSSS.* the records asked for, the chain
 *                                        links around them, their images
 *                                        and signatures
 */
#define EV_BUNDLE_DIR		"anpr-evidence"
#define EV_BUNDLE_FORMAT	"anpr-bundle/1"	/* MANIFEST.txt line 1 */
#define EV_BUNDLE_README	"README.txt"
#define EV_BUNDLE_MANIFEST	"MANIFEST.txt"
#define EV_BUNDLE_SUMS		"SHA256SUMS"

/*
 * Disclosure bundle (anpr-verify --export --disclose, anpr-query --export):
 * the records asked for and nothing else of the chain, each with an
 * inclusion proof against the signed checkpoint that covers it, so that no
 * other vehicle's read is disclosed. The same ustar layout under
 * EV_BUNDLE_DIR, told apart by MANIFEST.txt's first line:
 *   anpr-evidence/MANIFEST.txt          format=anpr-disclosure/1 ...
 *   anpr-evidence/README.txt            what it proves and what it does not
 *   anpr-evidence/SHA256SUMS
 *   anpr-evidence/public-KEYID.key      the keys that signed what is here
 *   anpr-evidence/records/SSSSSSSSSSSS.rec (+ .rec.minisig, images)
 *                                       the records disclosed, and the
 *                                       checkpoint records covering them
 *   anpr-evidence/proofs/SSSSSSSSSSSS.proof  one per disclosed record
 * docs/record-format.md, "Disclosure bundle", has every field.
 */
#define EV_DISCLOSURE_FORMAT	"anpr-disclosure/1"	/* MANIFEST line 1 */
#define EV_DISCLOSURE_PROOFS	"proofs"
#define EV_SUFFIX_PROOF		".proof"

/*
 * An inclusion proof file (SSSSSSSSSSSS.proof), "key=value" lines, ASCII,
 * each ended by one LF, in this order, each once except path:
 *   format=anpr-inclusion-proof/1
 *   record_id=<the disclosed record's record_id>
 *   chain_seq=<its chain_seq>
 *   record_sha256=<SHA-256 of its .rec file: the Merkle leaf's input>
 *   checkpoint_seq=<chain_seq of the checkpoint record covering it>
 *   checkpoint_sha256=<SHA-256 of that checkpoint's .rec file>
 *   first_seq=<the checkpoint's first_seq>
 *   last_seq=<the checkpoint's last_seq>
 *   leaf_index=<chain_seq - first_seq>
 *   tree_size=<the checkpoint's count>
 *   merkle_root=<the checkpoint's merkle_root>
 *   path=<HASH>    zero or more lines: RFC 9162 PATH(leaf_index, D[tree_size])
 *                  (2.1.3.1), from the leaf's sibling up to the root's child
 * Everything but path repeats what the two signed records say; a verifier
 * takes those values from the signed records and refuses a proof that
 * says otherwise. The leaves are as the checkpoint's (EV_MERKLE_*).
 */
#define EV_PROOF_FORMAT		"anpr-inclusion-proof/1"
#define EV_MERKLE_PATH_MAX	64	/* a path of a 2^64-leaf tree */

#endif
