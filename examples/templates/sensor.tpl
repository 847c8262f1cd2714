{% args r %}
<!doctype html>
<meta http-equiv="refresh" content="2">
<title>Sensor</title>
<h1>{{ r["volts"] }} V</h1>
<p>raw reading {{ r["raw"] }} &middot; <a href="/reading">as JSON</a></p>
