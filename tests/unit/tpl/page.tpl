{% args title, rows %}
<h1>{{ title }}</h1>
<table>
{% for r in rows %}
{% include "row.tpl" r %}
{% endfor %}
</table>
