"""`netspec serve`'s HTTP API, through starlette's test client: what the page gets for a spec, the
memory settings, saving to the opened file only (with a diff on conflict), and the guard in
front: token, Host, Origin, size. The page itself is tested in a real browser (test_serve_browser)."""

from __future__ import annotations

import hashlib
import os
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netspec.checker import check_text
from netspec.codegen import compile_diagnostics, generate
from netspec.memory import estimate
from netspec.resources import bundled_spec
from netspec.serve.positions import OffsetTable, utf16_length
from netspec.source import SourceFile

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from netspec.serve.app import MAX_BODY, create_app
from netspec.serve.session import open_session

LENET = bundled_spec("lenet").read_text(encoding="utf-8")
SMALL = "network Small\ninput 1x28x28\nconv 6 5x5\nrelu\nmaxpool 2\nfc 10\n"


@pytest.fixture(autouse=True)
def _quiet_test_client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # starlette's TestClient on httpx
        yield


def client_for(session) -> tuple[TestClient, dict]:
    client = TestClient(create_app(session, {"testserver"}), raise_server_exceptions=False)
    return client, {"X-Netspec-Token": session.token}


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "small.net"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def served(spec_file):
    session = open_session(str(spec_file))
    client, headers = client_for(session)
    return client, headers, session


def digest_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the page and the token ---------------------------------------------------------------------


def test_the_page_needs_the_token_and_carries_it_for_the_script(served):
    client, _, session = served
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    page = client.get(f"/?token={session.token}")
    assert page.status_code == 200
    assert f'<meta name="netspec-token" content="{session.token}">' in page.text
    assert '<script src="/static/app.js" defer></script>' in page.text


def test_every_answer_forbids_inline_scripts_and_styles_frames_and_sniffing(served):
    client, headers, session = served
    for response in (client.get(f"/?token={session.token}"), client.get("/api/session", headers=headers)):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert len(response.headers.get_list("content-security-policy")) == 1


def test_the_pages_style_nonce_is_new_on_every_load_and_matches_its_policy(served):
    client, _, session = served
    nonces = []
    for _ in range(2):
        page = client.get(f"/?token={session.token}")
        nonce = page.text.split('name="netspec-style-nonce" content="')[1].split('"')[0]
        assert f"style-src 'self' 'nonce-{nonce}';" in page.headers["content-security-policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 24


def test_only_the_bundle_is_served_without_the_token(served):
    client, _, _ = served
    for path in ("/static/app.js", "/static/app.css"):
        assert client.get(path).status_code == 200
    for path in ("/static/index.html", "/nosuch", "/api", "/api/", "/?token="):
        assert client.get(path).status_code == 403, path


def test_the_bundle_is_served_with_its_types_and_nothing_else_is(served):
    client, _, _ = served
    script = client.get("/static/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    headers = {"X-Netspec-Token": served[2].token}
    assert client.get("/static/index.html", headers=headers).status_code == 404
    assert client.get("/static/..%2F..%2F__init__.py", headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/session"),
        ("GET", "/api/examples"),
        ("GET", "/api/examples/lenet.net"),
        ("GET", "/api/kinds"),
        ("POST", "/api/check"),
        ("POST", "/api/compile"),
        ("POST", "/api/draw"),
        ("POST", "/api/save"),
    ],
)
def test_every_api_request_needs_the_token(served, spec_file, method, path):
    client, _, _ = served
    before = spec_file.read_bytes()
    for headers in ({}, {"X-Netspec-Token": "x" * 43}):
        response = client.request(method, path, json={"text": "input 3\n", "digest": ""}, headers=headers)
        assert response.status_code == 403
        assert "token" in response.json()["error"]
    assert spec_file.read_bytes() == before


# --- the guard: DNS rebinding, other sites, size -----------------------------------------------


def test_a_request_for_another_host_name_is_refused_dns_rebinding(served):
    client, headers, _ = served
    for host in ("evil.example", "evil.example:80", "testserver.evil.example", ""):
        response = client.get("/api/session", headers={**headers, "Host": host})
        assert response.status_code == 403, host
        assert "Host" in response.json()["error"]


def test_a_request_from_another_origin_is_refused_even_on_this_machine(served):
    client, headers, _ = served
    for origin in ("http://evil.example", "http://testserver:3000", "null", "https://testserver"):
        response = client.post("/api/check", json={"text": SMALL}, headers={**headers, "Origin": origin})
        assert response.status_code == 403, origin
    same = client.post("/api/check", json={"text": SMALL}, headers={**headers, "Origin": "http://testserver"})
    assert same.status_code == 200


def test_own_hosts_are_the_loopback_names_at_the_servers_port():
    from netspec.serve.guard import own_hosts

    local = own_hosts("127.0.0.1", 8765)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        assert host in local
    for host in ("127.0.0.1:8766", "192.168.1.5:8765", "evil.example:8765", "127.0.0.1", "localhost.evil:8765"):
        assert host not in local
    assert "192.168.1.5:80" in own_hosts("192.168.1.5", 80)


def test_bound_to_every_interface_any_ip_address_is_own_but_no_other_name():
    """With --host 0.0.0.0 the page is reached at the machine's own addresses; an IP address cannot
    be rebound to another site, a name can."""
    from netspec.serve.guard import own_hosts

    every = own_hosts("0.0.0.0", 8080)
    for host in ("127.0.0.1:8080", "localhost:8080", "10.1.2.3:8080", "[fe80::1]:8080", "[::1]:8080"):
        assert host in every
    for host in ("evil.example:8080", "10.1.2.3:8081", "10.1.2.3", "fe80::1:8080", "1.2.3.4.evil:8080", "[evil]:8080"):
        assert host not in every


def test_a_websocket_is_refused(served):
    from starlette.websockets import WebSocketDisconnect

    client, headers, _ = served
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/api/check", headers=headers):
            pass


def test_a_body_over_the_limit_is_refused_before_any_route(served, spec_file):
    client, headers, session = served
    text = "# " + "x" * MAX_BODY
    response = client.post("/api/save", json={"text": text, "digest": session.digest}, headers=headers)
    assert response.status_code == 413
    assert spec_file.read_text(encoding="utf-8") == SMALL


def test_a_body_that_is_not_a_json_object_with_text_is_a_400(served):
    client, headers, _ = served
    assert client.post("/api/check", content=b"\xff{", headers=headers).status_code == 400
    assert client.post("/api/check", json=["input 3"], headers=headers).status_code == 400
    assert client.post("/api/check", json={"text": 3}, headers=headers).status_code == 400


# --- the check --------------------------------------------------------------------------------


def test_check_reports_a_misspelt_kind_at_its_exact_offsets_with_did_you_mean(served):
    client, headers, _ = served
    text = SMALL.replace("conv 6", "convv 6")
    report = client.post("/api/check", json={"text": text}, headers=headers).json()
    (diagnostic,) = report["diagnostics"]
    assert diagnostic["code"] == "unknown-layer"
    assert text[diagnostic["from"] : diagnostic["to"]] == "convv"
    assert diagnostic["hint"] == "did you mean `conv`?"
    assert report["ok"] is False and report["memory"] is None


def test_check_offsets_count_utf16_units_after_an_emoji(served):
    """JavaScript counts 😀 as two units: the underline after it must start two units later."""
    client, headers, _ = served
    text = "# 😀😀\ninput 1x28x28\nconvv 6 5x5\n"
    (diagnostic,) = client.post("/api/check", json={"text": text}, headers=headers).json()["diagnostics"]
    as_js = text.encode("utf-16-le")
    assert as_js[2 * diagnostic["from"] : 2 * diagnostic["to"]].decode("utf-16-le") == "convv"


def test_check_gives_the_table_totals_explain_and_memory_of_the_cli(served):
    client, headers, _ = served
    report = client.post("/api/check", json={"text": LENET, "batch": 32}, headers=headers).json()
    result = check_text(LENET, "small.net")
    assert [layer["output"] for layer in report["layers"]] == [list(layer.output) for layer in result.layers]
    assert [layer["explain"] for layer in report["layers"]] == [layer.explain for layer in result.layers]
    assert report["totals"]["params"] == sum(layer.params for layer in result.layers)
    assert report["layers_total"] == len(result.layers)
    expected = estimate(result, batch=32, optimizer="adam")  # lenet's train block says adam
    assert report["memory"]["bytes"]["total"] == expected.total
    assert report["memory"]["batch"] == 32


def test_batch_dtype_optimizer_and_limit_change_the_memory(served):
    client, headers, _ = served

    def memory(**settings):
        return client.post("/api/check", json={"text": SMALL, **settings}, headers=headers).json()["memory"]

    one, two = memory(batch=1), memory(batch=2)
    per_sample = two["bytes"]["total"] - one["bytes"]["total"]
    assert per_sample > 0
    assert memory(batch=11)["bytes"]["total"] == one["bytes"]["total"] + 10 * per_sample  # linear in the batch
    assert memory(dtype="fp16")["bytes"]["weights"] * 2 == one["bytes"]["weights"]
    assert memory(optimizer="sgd")["bytes"]["optimizer_state"] == 0
    assert memory(optimizer="adam")["bytes"]["optimizer_state"] == 2 * one["bytes"]["weights"]
    assert memory(memory="1MiB")["limit"] == 2**20


def test_a_step_over_the_memory_limit_warns_as_the_cli_does(served):
    client, headers, _ = served
    report = client.post("/api/check", json={"text": SMALL, "batch": 4096, "memory": "1MiB"}, headers=headers).json()
    codes = [d["code"] for d in report["diagnostics"]]
    assert codes == ["memory-limit"]
    assert report["ok"] is True


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"batch": 0}, "batch"),
        ({"batch": 2**31}, "batch"),
        ({"batch": "8"}, "batch"),
        ({"batch": True}, "batch"),
        ({"dtype": "fp33"}, "dtype"),
        ({"optimizer": "adamm"}, "optimizer"),
        ({"device": "tpu"}, "device"),
        ({"memory": "8"}, "no unit"),
        ({"memory": "lots"}, "memory"),
        ({"memory": 8}, "memory"),
    ],
)
def test_bad_memory_settings_are_a_400_saying_which(served, settings, message):
    client, headers, _ = served
    response = client.post("/api/check", json={"text": SMALL, **settings}, headers=headers)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_huge_network_sends_a_bounded_table(served):
    client, headers, _ = served
    text = "input 8\n" + "relu\n" * 6000
    report = client.post("/api/check", json={"text": text}, headers=headers).json()
    assert report["layers_total"] == 6000
    assert len(report["layers"]) == 5000


def test_text_with_a_lone_surrogate_is_a_400_and_writes_nothing(served, spec_file):
    client, headers, session = served
    for path in ("/api/check", "/api/compile", "/api/save"):
        body = b'{"text": "input 3\\ud800", "digest": "' + session.digest.encode() + b'"}'
        response = client.post(path, content=body, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 400 and "Unicode" in response.json()["error"], path
    assert spec_file.read_text(encoding="utf-8") == SMALL


def test_any_text_is_answered_never_a_500(served):
    client, headers, _ = served
    for text in ("", "\0", "{{{{", "input 3x" + "9" * 5000, "repeat 99999 { repeat 99999 { relu } }\ninput 3\n"):
        response = client.post("/api/check", json={"text": text}, headers=headers)
        assert response.status_code == 200, text[:20]


# --- compile, draw, examples, kinds ------------------------------------------------------------


def test_compile_returns_what_netspec_compile_writes(served):
    client, headers, _ = served
    answer = client.post("/api/compile", json={"text": LENET}, headers=headers).json()
    result = check_text(LENET, "small.net")
    assert answer == {"ok": True, "source": generate(result, compile_diagnostics(result))}
    broken = client.post("/api/compile", json={"text": "input 3\nconvv 2\n"}, headers=headers).json()
    assert broken["ok"] is False and "unknown layer kind `convv`" in broken["errors"]


def test_draw_returns_an_svg_or_why_not(served):
    client, headers, _ = served
    session = client.get("/api/session", headers=headers).json()
    answer = client.post("/api/draw", json={"text": SMALL}, headers=headers)
    if not session["draw"]:
        assert answer.status_code == 404
        return
    assert answer.json()["ok"] is True and answer.json()["svg"].lstrip().startswith(("<svg", "<?xml"))
    broken = client.post("/api/draw", json={"text": "input 3\nconvv 2\n"}, headers=headers).json()
    assert broken["ok"] is False


def test_examples_are_the_bundled_specs_and_never_a_path(served):
    client, headers, _ = served
    names = [e["name"] for e in client.get("/api/examples", headers=headers).json()["examples"]]
    assert "lenet.net" in names and "vgg16.net" in names
    lenet = client.get("/api/examples/lenet.net", headers=headers).json()
    assert lenet["text"] == LENET
    for name in ("..%2Fpyproject.toml", "%2Fetc%2Fpasswd", "nosuch.net", "..%5C..%5Cx.net"):
        assert client.get(f"/api/examples/{name}", headers=headers).status_code == 404, name


def test_kinds_list_every_kind_alias_and_option_for_completion(served):
    client, headers, _ = served
    kinds = client.get("/api/kinds", headers=headers).json()
    by_name = {kind["name"]: kind for kind in kinds["kinds"]}
    assert {"conv", "maxpool", "fc", "linear", "concat", "add"} <= set(by_name)
    assert {"pad", "stride", "dilation", "groups"} <= set(by_name["conv"]["options"])
    assert "residual" in kinds["keywords"] and "repeat" in kinds["keywords"]


# --- saving -----------------------------------------------------------------------------------


def test_save_writes_the_opened_file_and_returns_its_new_digest(served, spec_file):
    client, headers, session = served
    assert client.get("/api/session", headers=headers).json()["digest"] == digest_of(spec_file)
    text = SMALL.replace("fc 10", "fc 12")
    answer = client.post("/api/save", json={"text": text, "digest": session.digest}, headers=headers)
    assert answer.status_code == 200
    assert spec_file.read_text(encoding="utf-8") == text
    assert answer.json()["digest"] == digest_of(spec_file)
    again = client.post("/api/save", json={"text": SMALL, "digest": answer.json()["digest"]}, headers=headers)
    assert again.status_code == 200 and spec_file.read_text(encoding="utf-8") == SMALL
    assert list(spec_file.parent.iterdir()) == [spec_file]  # no temporary file left, nothing else written


def test_save_after_the_file_changed_on_disk_shows_the_diff_and_writes_nothing(served, spec_file):
    client, headers, session = served
    spec_file.write_text(SMALL + "dropout 0.5\n", encoding="utf-8")
    page = SMALL.replace("relu", "gelu")
    answer = client.post("/api/save", json={"text": page, "digest": session.digest}, headers=headers)
    assert answer.status_code == 409
    diff = answer.json()["diff"]
    assert "-dropout 0.5\n" in diff and "-relu\n" in diff and "+gelu\n" in diff
    assert "(on disk)" in diff and "(in the page)" in diff
    assert spec_file.read_text(encoding="utf-8") == SMALL + "dropout 0.5\n"
    # Overwriting once the page has seen that version: its digest from the 409.
    assert answer.json()["digest"] == digest_of(spec_file)
    forced = client.post("/api/save", json={"text": page, "digest": answer.json()["digest"]}, headers=headers)
    assert forced.status_code == 200 and spec_file.read_text(encoding="utf-8") == page


def test_save_after_the_file_was_removed_is_a_conflict_not_a_silent_recreate(served, spec_file):
    client, headers, session = served
    spec_file.unlink()
    answer = client.post("/api/save", json={"text": SMALL, "digest": session.digest}, headers=headers)
    assert answer.status_code == 409 and answer.json()["digest"] == ""
    assert not spec_file.exists()
    assert client.post("/api/save", json={"text": SMALL, "digest": ""}, headers=headers).status_code == 200
    assert spec_file.read_text(encoding="utf-8") == SMALL


def test_save_keeps_windows_line_endings(tmp_path):
    path = tmp_path / "crlf.net"
    path.write_bytes(SMALL.replace("\n", "\r\n").encode())
    session = open_session(str(path))
    assert session.text == SMALL  # the editor sees \n
    client, headers = client_for(session)
    text = SMALL.replace("fc 10", "fc 11")
    assert client.post("/api/save", json={"text": text, "digest": session.digest}, headers=headers).status_code == 200
    assert path.read_bytes() == text.replace("\n", "\r\n").encode()


def test_save_never_replaces_a_fifo_put_in_the_files_place_and_does_not_hang(served, spec_file):
    client, headers, session = served
    spec_file.unlink()
    os.mkfifo(spec_file)
    answer = client.post("/api/save", json={"text": SMALL, "digest": ""}, headers=headers)
    assert answer.status_code == 409
    assert "no longer a regular file" in answer.json()["error"]
    assert spec_file.is_fifo()


def test_save_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.net"
    target.write_text(SMALL, encoding="utf-8")
    link = tmp_path / "link.net"
    link.symlink_to(target)
    session = open_session(str(link))
    client, headers = client_for(session)
    assert (
        client.post("/api/save", json={"text": SMALL + "relu\n", "digest": session.digest}, headers=headers).status_code
        == 200
    )
    assert link.is_symlink() and target.read_text(encoding="utf-8") == SMALL + "relu\n"


def test_a_bundled_example_cannot_be_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no lenet.net here: the bundled one
    session = open_session(None)
    assert session.name == "lenet.net" and not session.can_save
    client, headers = client_for(session)
    info = client.get("/api/session", headers=headers).json()
    assert info["can_save"] is False and info["text"] == LENET
    answer = client.post("/api/save", json={"text": "input 3\n", "digest": ""}, headers=headers)
    assert answer.status_code == 409 and "download" in answer.json()["error"]
    assert bundled_spec("lenet").read_text(encoding="utf-8") == LENET
    assert list(tmp_path.iterdir()) == []


def test_save_requires_the_digest_of_the_version_it_replaces(served):
    client, headers, _ = served
    answer = client.post("/api/save", json={"text": SMALL}, headers=headers)
    assert answer.status_code == 400 and "digest" in answer.json()["error"]


# --- positions: the editor's offsets ----------------------------------------------------------

line_text = st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=12)


@given(st.lists(line_text, min_size=1, max_size=6), st.data())
def test_offsets_are_javascript_string_indices(lines, data):
    """Against an independent reference: encode the prefix as UTF-16 and count its units."""
    text = "\n".join(lines)
    table = OffsetTable(SourceFile("t.net", text))
    line = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    prefix = "\n".join(lines[: line - 1]) + ("\n" if line > 1 else "") + lines[line - 1][: column - 1]
    assert table.offset(line, column) == len(prefix.encode("utf-16-le")) // 2


@given(line_text)
def test_utf16_length_is_javascripts_length(text):
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


def test_offsets_past_the_end_are_clamped_and_a_range_is_never_inverted():
    table = OffsetTable(SourceFile("t.net", "ab\ncd"))
    assert table.offset(9, 1) == 5 and table.offset(1, 99) == 2 and table.offset(0, 5) == 0
    assert table.range(2, 1, 1, 1) == (3, 4)  # an end before the start: one character
    assert table.range(1, 1, 1, 1) == (0, 1)  # an empty span: one character, so it shows
    assert table.range(2, 3, 2, 3) == (5, 5)  # at the very end there is none to take
