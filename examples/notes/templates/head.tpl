{% args title %}
<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ title }}</title><link rel="stylesheet" href="/static/notes.css"></head>
<body>
