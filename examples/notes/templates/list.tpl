{% args notes %}
{% include "head.tpl" "Notes" %}
<h1>Notes</h1>
<p><a id="new" href="/new">New note</a></p>
{% if notes %}
<ul id="notes">
{% for i, title in notes %}
<li><a href="/edit/{{ i }}">{{ title }}</a>
<form method="post" action="/delete/{{ i }}"><button id="delete-{{ i }}">Delete</button></form></li>
{% endfor %}
</ul>
{% else %}
<p id="empty">No notes yet.</p>
{% endif %}
</body></html>
