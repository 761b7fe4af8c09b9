from aurum.cli import app

app(prog_name="aurum")
