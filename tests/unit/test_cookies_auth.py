# Cookies, signing and auth helpers. Plain asserts: runs under pytest and under MicroPython.
from picoweb.cookies import _hex, _hmac, cookie_header, equal, get_cookies, sign, unsign
from picoweb.request import HTTPRequest



def Req(headers):
    req = HTTPRequest()
    req.headers = headers
    return req


def test_hmac_sha256_known_answer():
    # RFC 4231, test case 2
    assert _hex(_hmac(b"Jefe", b"what do ya want for nothing?")) == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_sign_and_unsign():
    s = sign("user=7", "secret")
    assert s.startswith("user=7.") and unsign(s, "secret") == "user=7"
    assert unsign(s, "other") is None
    assert unsign(s.replace("user=7", "user=8"), "secret") is None
    assert unsign("no-signature", "secret") is None and unsign(None, "secret") is None


def test_cookies():
    assert get_cookies(Req({b"Cookie": b'a=1; b="two"; bad; c='})) == {"a": "1", "b": "two", "c": ""}
    assert get_cookies(Req({b"COOKIE": b"x=1"})) == {"x": "1"}  # any case
    assert get_cookies(Req(None)) == {}
    assert cookie_header("s", "v", max_age=60, secure=True) == (
        "Set-Cookie: s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure\r\n")


def test_equal():
    assert equal("abc", "abc") and not equal("abc", "abd") and not equal("abc", "ab")
