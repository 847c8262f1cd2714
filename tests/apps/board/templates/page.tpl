{% args title, items %}
<!doctype html>
<title>{{ title }}</title>
<table>
{% for i, name, v in items %}
<tr><td>{{ i }}</td><td>{{ name }}</td><td>{{ v }}</td></tr>
{% endfor %}
</table>
