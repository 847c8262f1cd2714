{% args i, title, text, error %}
{% include "head.tpl" "Edit note" if i else "New note" %}
<h1>{{ "Edit note" if i else "New note" }}</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post">
<p><input id="title" name="title" value="{{ title }}" placeholder="Title" required></p>
<p><textarea id="text" name="text" rows="8" cols="50">{{ text }}</textarea></p>
<p><button id="save">Save</button> <a href="/">Back</a></p>
</form>
</body></html>
