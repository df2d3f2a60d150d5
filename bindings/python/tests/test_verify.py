"""imza.verify over libimza: verdicts, errors with imza's codes, and every way to pass input.

The library is the one imza/__init__.py finds: IMZA_LIBRARY (scripts/test.sh sets it to the
release build of imza-ffi), an installed libimza, or the repository's target/ folder."""

import datetime as dt
import io
from pathlib import Path

import pytest

import imza

ROOT = Path(__file__).resolve().parents[3]
VECTORS = ROOT / "test-vectors"
SAMPLE = VECTORS / "sample" / "contract.p7m"
DETACHED = VECTORS / "cms" / "ossl-ec-cades-detached.p7s"
CONTENT = VECTORS / "cms" / "content.txt"
TAMPERED = VECTORS / "cms" / "ossl-ec-attached-tampered.p7m"
P256 = VECTORS / "pki" / "ecdsa-p256"
TRUST = [P256 / "root.pem"]
CRLS = [(P256 / "root.crl").read_bytes(), (P256 / "intermediate.crl").read_bytes()]
OTHER_ROOT = VECTORS / "pki" / "rsa" / "root.pem"


def verdict(report):
    return report["indication"], report["sub_indication"]


def test_the_sample_contract_passes_with_its_embedded_time_stamp_and_crls():
    report = imza.verify(str(SAMPLE), trust=[str(TRUST[0])])
    assert verdict(report) == ("TOTAL_PASSED", None)
    sig = report["signatures"][0]
    assert sig["level"] == "CAdES-BASELINE-LT"
    assert sig["signer"]["subject"] == "CN=P-256 Signer,O=Imza Test,C=AZ"
    assert sig["best_signature_time"].endswith("Z")


def test_bytes_pathlike_and_pem_bytes_give_the_same_verdict():
    a = imza.verify(SAMPLE, trust=TRUST)
    b = imza.verify(SAMPLE.read_bytes(), trust=[TRUST[0].read_bytes()])
    c = imza.verify(bytearray(SAMPLE.read_bytes()), trust=P256 / "root.pem")
    assert verdict(a) == verdict(b) == verdict(c) == ("TOTAL_PASSED", None)


def test_a_trust_folder_is_read_like_the_c_function_reads_it():
    assert verdict(imza.verify(SAMPLE, trust=[P256]))[0] == "TOTAL_PASSED"


@pytest.mark.parametrize(
    "detached",
    [CONTENT, str(CONTENT), CONTENT.read_bytes(), "file object"],
    ids=["pathlib", "str path", "bytes", "file object"],
)
def test_detached_content_by_path_bytes_or_stream_passes_with_crls(detached):
    if detached == "file object":
        detached = io.BytesIO(CONTENT.read_bytes())
    for sig in (DETACHED, DETACHED.read_bytes()):
        if isinstance(detached, io.BytesIO):
            detached.seek(0)
        report = imza.verify(sig, detached=detached, trust=TRUST, crls=CRLS)
        assert verdict(report) == ("TOTAL_PASSED", None)


def test_tampered_detached_content_is_total_failed_hash_failure():
    report = imza.verify(DETACHED, detached=CONTENT.read_bytes() + b"!", trust=TRUST, crls=CRLS)
    assert verdict(report) == ("TOTAL_FAILED", "HASH_FAILURE")


def test_tampered_attached_content_is_total_failed_hash_failure():
    report = imza.verify(TAMPERED, trust=TRUST, crls=CRLS)
    assert verdict(report) == ("TOTAL_FAILED", "HASH_FAILURE")


def test_an_untrusted_root_is_indeterminate_no_certificate_chain_found():
    report = imza.verify(SAMPLE, trust=[OTHER_ROOT])
    assert verdict(report) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")


def test_no_revocation_data_is_indeterminate_try_later():
    report = imza.verify(DETACHED, detached=CONTENT, trust=TRUST)
    assert verdict(report) == ("INDETERMINATE", "TRY_LATER")


def test_revocation_skip_is_honoured_and_an_unknown_mode_refused():
    report = imza.verify(DETACHED, detached=CONTENT, trust=TRUST, revocation="skip")
    assert report["indication"] == "TOTAL_PASSED"
    with pytest.raises(ValueError):
        imza.verify(DETACHED, detached=CONTENT, trust=TRUST, revocation="maybe")


@pytest.mark.parametrize(
    "at",
    ["2035-06-01T00:00:00Z", dt.datetime(2035, 6, 1, tzinfo=dt.timezone.utc), 2064268800],
    ids=["rfc3339", "datetime", "unix seconds"],
)
def test_the_validation_time_is_passed_through(at):
    # After the signer's certificate expired (2035-01-01), with no time-stamp to prove the
    # signature older: no proof it was made in time.
    report = imza.verify(DETACHED, detached=CONTENT, trust=TRUST, crls=CRLS, at=at)
    assert verdict(report) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    # The sample's time-stamp proves it was signed before the expiry.
    assert imza.verify(SAMPLE, trust=TRUST, at=at)["indication"] == "TOTAL_PASSED"


def test_a_naive_datetime_is_refused_as_ambiguous():
    with pytest.raises(ValueError):
        imza.verify(SAMPLE, trust=TRUST, at=dt.datetime(2030, 1, 1))


def test_content_given_twice_is_error_102():
    with pytest.raises(imza.ImzaError) as e:
        imza.verify(SAMPLE, detached=b"also this", trust=TRUST)
    assert e.value.code == imza.CONTENT_GIVEN_TWICE == 102
    assert "content" in e.value.message


@pytest.mark.parametrize(
    "bad",
    [SAMPLE.read_bytes()[:200], b"\x30\x03\x02\x01\x05", b"-----BEGIN PKCS7-----\n!!\n-----END PKCS7-----\n"],
    ids=["truncated DER", "wrong inner type", "broken PEM"],
)
def test_malformed_input_is_error_100_with_the_detail(bad):
    with pytest.raises(imza.ImzaError) as e:
        imza.verify(bad, trust=TRUST)
    assert e.value.code == imza.MALFORMED == 100
    assert e.value.message.startswith("malformed")


def test_bytes_that_are_no_signature_format_are_error_103():
    with pytest.raises(imza.ImzaError) as e:
        imza.verify(b"", trust=TRUST)
    assert e.value.code == imza.UNSUPPORTED_FORMAT == 103


@pytest.mark.parametrize("which", ["signature", "detached", "trust", "crl"])
def test_a_missing_file_is_error_104(tmp_path, which):
    missing = tmp_path / "missing.der"
    args = dict(signature=DETACHED, detached=CONTENT, trust=TRUST, crls=CRLS)
    if which == "crl":
        args["crls"] = [missing]
    else:
        args[which] = missing
    with pytest.raises(imza.ImzaError) as e:
        imza.verify(**args)
    assert e.value.code == imza.READ_FAILED == 104
    assert "missing.der" in e.value.message


def test_a_failing_reader_is_error_104_with_the_python_exception_chained():
    class Broken(io.RawIOBase):
        def read(self, n=-1):
            raise RuntimeError("disk on fire")

    with pytest.raises(imza.ImzaError) as e:
        imza.verify(DETACHED.read_bytes(), detached=Broken(), trust=TRUST, crls=CRLS)
    assert e.value.code == imza.READ_FAILED
    assert isinstance(e.value.__cause__, RuntimeError)


def test_many_verifications_do_not_leak_handles():
    # Not a leak checker (valgrind runs the C tests): with imza_report_free and
    # imza_string_free left out, 1000 verifications of the sample grew max RSS by ~9 MiB;
    # with them, by 0.
    import resource

    for _ in range(20):
        imza.verify(SAMPLE, trust=TRUST)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(1000):
        imza.verify(SAMPLE, trust=TRUST)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 4 * 1024, f"max RSS grew by {grown_kib} KiB over 1000 verifications"


def test_version_and_library_path():
    assert imza.version().count(".") == 2
    assert "imza" in imza.library_path()
