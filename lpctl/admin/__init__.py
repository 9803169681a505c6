"""Talking to FlyteAdmin: the gRPC client, credentials, registration."""
