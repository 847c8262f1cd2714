# A device page: a sensor's reading as a page that refreshes itself, and as JSON.
# On an ESP board it reads the ADC on pin 34 (ESP32) or 0 (ESP8266); elsewhere a simulated
# sensor drifts slowly. Run: python3 example_sensor.py
import sys
try:
    import time
except ImportError:  # Pycopy has only the u-named modules
    import utime as time

import picoweb


class SimulatedSensor:
    # Stands in for machine.ADC on the unix port and on CPython.
    def __init__(self):
        self.v = 21000

    def read_u16(self):
        self.v += (time.ticks_ms() if hasattr(time, "ticks_ms") else int(time.time() * 1000)) % 7 - 3
        return self.v


def make_sensor():
    try:
        from machine import ADC, Pin

        return ADC(Pin(34 if sys.platform == "esp32" else 0))
    except (ImportError, AttributeError, ValueError, TypeError):
        return SimulatedSensor()


sensor = make_sensor()
app = picoweb.WebApp(None, serve_static=False)


def reading():
    raw = sensor.read_u16()
    return {"raw": raw, "volts": round(raw * 3.3 / 65535, 3)}


@app.route("/")
def page(req, resp):
    yield from picoweb.start_response(resp)
    yield from app.render_template(resp, "sensor.tpl", (reading(),))


@app.route("/reading")
def api(req, resp):
    yield from picoweb.jsonify(resp, reading())


if __name__ == "__main__":
    on_board = sys.platform.startswith("esp")
    app.run(host="0.0.0.0" if on_board else "127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
