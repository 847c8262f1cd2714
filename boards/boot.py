# boot.py for ESP boards, copied by `make deploy`: joins the Wi-Fi network named in
# /wifi.json ({"ssid": ..., "password": ...}), written to the board from the local,
# git-ignored wifi.json. Without it the board starts its own access point.
import json
import time

import network

try:
    with open("/wifi.json") as f:
        cfg = json.load(f)
except OSError:
    cfg = None

if cfg:
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    if not sta.isconnected():
        sta.connect(cfg["ssid"], cfg["password"])
        for _ in range(100):  # 10 s
            if sta.isconnected():
                break
            time.sleep_ms(100)
    print("wifi:", sta.ifconfig()[0] if sta.isconnected() else "not connected to " + cfg["ssid"])
else:
    ap = network.WLAN(network.AP_IF)
    ap.active(True)
    print("wifi: no /wifi.json; access point", ap.config("essid"), "at", ap.ifconfig()[0])
