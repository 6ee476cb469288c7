namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// The query parameters a route takes, as endpoint metadata; a route without it takes none. Every route reads its query as
/// strictly as <c>/entries</c> reads its own: a parameter the route does not take, or one given twice, is a 400 naming it
/// before the route runs, so a script's typo (<c>?sectoin=</c>) is refused wherever it is made, never ignored on one route
/// and refused on another.
/// </summary>
internal sealed class QueryParameters(params string[] names)
{
    private static readonly QueryParameters None = new();

    /// <summary>The parameters, in the order the README lists them.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The problem with <paramref name="query"/> (unknown parameters, or one given twice), or null.</summary>
    /// <param name="path">The request's path, named when the route takes no parameters at all.</param>
    public QueryProblem? Problem(IQueryCollection query, string path)
    {
        var unknown = query.Keys.Where(k => !Names.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).Select(Echoed.Of).ToList();
        if (unknown.Count > 0)
        {
            var accepted = Names.Count == 0 ? $"{Echoed.Of(path)} takes none" : $"accepted: {string.Join(", ", Names)}";
            return QueryProblem.Of($"unknown query parameter{(unknown.Count > 1 ? "s" : "")} {Echoed.Of(string.Join(", ", unknown))} ({accepted})", null, unknown, Names);
        }
        return Names.FirstOrDefault(p => query[p].Count > 1) is { } repeated
            ? QueryProblem.Of($"{repeated}: given {query[repeated].Count} times; give it once", repeated, null, Names)
            : null;
    }

    /// <summary>Refuses a query the matched route does not take, before the route runs (a 405 or 404 matched no route).</summary>
    public static void Use(WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint() is RouteEndpoint endpoint
            && (endpoint.Metadata.GetMetadata<QueryParameters>() ?? None).Problem(http.Request.Query, http.Request.Path) is { } problem)
        {
            await Write(problem).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>A refused query as a reply: <c>application/problem+json</c>, Chinese as text (<see cref="EndpointJson"/>).</summary>
    public static IResult Write(QueryProblem problem) =>
        Results.Json(problem, EndpointJson.Options.For<QueryProblem>(), "application/problem+json; charset=utf-8", problem.Status);
}
