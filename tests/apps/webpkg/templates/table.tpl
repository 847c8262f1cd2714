{% args n %}
<table>
{% for i in range(n) %}
<tr><td>{{ i }}</td><td>{{ i * i }}</td><td>row &amp; {{ "<%d>" % i }}</td></tr>
{% endfor %}
</table>
