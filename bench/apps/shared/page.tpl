{% args title, items %}
<!doctype html>
<html><head><title>{{ title }}</title><link rel="stylesheet" href="/static/style.css"></head>
<body><h1>{{ title }}</h1>
<table>
{% for i, name, value in items %}
<tr><td>{{ i }}</td><td>{{ name }}</td><td>{{ value }}</td></tr>
{% endfor %}
</table></body></html>
