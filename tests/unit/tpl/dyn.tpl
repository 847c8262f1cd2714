{% args which, r %}
[{% include {{ which }} r %}]
