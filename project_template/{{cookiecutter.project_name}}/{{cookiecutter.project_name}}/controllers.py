"""Project-wide controllers of {{ cookiecutter.project_name }}: what applies to every app.

Error handlers, before/after-request hooks and routes declared in this module serve the
whole project; an app's own controllers.py declares them for that app's routes only. The
framework finds this module beside settings.py (the ROOT_CONTROLLERS setting can name
another), and the test fixtures `app` and `client` build the app with it. For example:

    from framework.web import after_request, before_request, error_handler

    @error_handler(LookupError)
    async def not_found(request, exc):
        return {"detail": f"Nothing found for {exc}.", "errors": []}, 404

    @before_request
    async def remember_start(request):
        request.state.started = time.perf_counter()   # return a value to answer early

    @after_request
    async def add_timing(request, response):
        elapsed = time.perf_counter() - request.state.started
        response.headers["server-timing"] = f"app;dur={elapsed * 1000:.1f}"
"""
