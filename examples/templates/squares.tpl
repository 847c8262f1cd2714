{% args req %}
<html>
<body>
<p>Request path: '{{ req.path }}'</p>
<table border="1">
{% for i in range(5) %}
<tr><td>{{ i }}</td><td>{{ "%2d" % i ** 2 }}</td></tr>
{% endfor %}
</table>
</body>
</html>
