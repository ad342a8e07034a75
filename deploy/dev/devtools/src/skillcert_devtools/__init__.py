"""Development-only tools for skillcert: the WeChat Pay simulator and the try-it runner.

Nothing in the distribution imports this package, and the production image does not contain
it (deploy/Dockerfile copies neither it nor the lock's dev group).
"""
