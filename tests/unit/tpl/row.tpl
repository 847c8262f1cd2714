{% args r %}
<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>
