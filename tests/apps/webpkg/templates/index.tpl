{% args title, items %}
<!doctype html>
<title>{{ title }}</title>
<ul>
{% for it in items %}
  <li>{{ it }}</li>
{% endfor %}
</ul>
