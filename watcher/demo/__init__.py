"""`watcher demo`: sample news (our own text, shipped in the package) served on loopback and polled
once into a scratch database, so a newcomer sees real alerts offline, as Slack, e-mail and a JSON
webhook would receive them, and the items watcher rightly leaves alone."""
