{% args fields %}
<!doctype html>
<title>Settings</title>
<form method="post">
  <label>Name <input name="name" value="{{ fields.get('name', '') }}"></label>
  <label>Interval (s) <input name="interval" value="{{ fields.get('interval', '60') }}"></label>
  <button>Save</button>
</form>
{% if fields %}
<p>Saved: {% for k in sorted(fields) %}<b>{{ k }}</b> = {{ fields[k] }} {% endfor %}</p>
{% endif %}
