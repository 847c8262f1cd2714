{% args ids, title %}
{% include "head.tpl" "Notes" %}
<h1>Notes</h1>
<p><a id="new" href="/new">New note</a></p>
{% if ids %}
<ul id="notes">
{% for i in ids %}
<li><a href="/edit/{{ i }}">{{ title(i) }}</a>
<form method="post" action="/delete/{{ i }}"><button id="delete-{{ i }}">Delete</button></form></li>
{% endfor %}
</ul>
{% else %}
<p id="empty">No notes yet.</p>
{% endif %}
</body></html>
