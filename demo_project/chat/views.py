from django.shortcuts import render


def index(request):
    """The chat page: plain HTML and the browser's WebSocket API."""
    return render(request, "chat/index.html")
