using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Telematics.Dashboard.Session;

namespace Telematics.Dashboard.Api;

/// <summary>
/// The host's <c>/api/v1</c> as the dashboard calls it: every request carries the signed-in user's bearer token, so the API
/// authorises each call exactly as it would a script's, and the dashboard never sees more than its user may.
/// </summary>
/// <remarks>Scoped: one per circuit.</remarks>
public sealed class DashboardApi(IHttpClientFactory clients, DashboardSession session, DashboardHostAddress host)
{
    /// <summary>The name of the <see cref="HttpClient"/> the dashboard uses (registered by <c>AddTelematicsDashboard</c>).</summary>
    public const string ClientName = "Telematics.Dashboard";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>GET <c>/api/v1/auth/me</c>: who the token belongs to.</summary>
    public Task<CurrentUser> GetMeAsync() => GetAsync<CurrentUser>("auth/me");

    /// <summary>POST <c>/api/v1/auth/token</c> (the host's Development environment only): a token for a role.</summary>
    public Task<IssuedToken> IssueDevelopmentTokenAsync(string subject, string role, string? driverId) =>
        SendAsync<IssuedToken>(HttpMethod.Post, "auth/token", new { subject, role, driverId }, authorized: false);

    /// <summary>The book's figures over [from, to].</summary>
    public Task<BookSummary> GetSummaryAsync(DateOnly from, DateOnly to) => GetAsync<BookSummary>("admin/dashboard/summary" + Period(from, to));

    /// <summary>The latest scores' histogram and categories over [from, to].</summary>
    public Task<RiskDistribution> GetRiskDistributionAsync(DateOnly from, DateOnly to) =>
        GetAsync<RiskDistribution>("admin/dashboard/risk-distribution" + Period(from, to));

    /// <summary>Trips and kilometres per day over [from, to].</summary>
    public Task<TripActivity> GetTripActivityAsync(DateOnly from, DateOnly to) => GetAsync<TripActivity>("admin/dashboard/trip-activity" + Period(from, to));

    /// <summary>A page of the book's drivers with their latest score, premium and trip, sorted on the server.</summary>
    /// <param name="name">Part of the display name, or null.</param>
    /// <param name="sort">id, name, score, premium or lastTrip.</param>
    /// <param name="descending">Largest first.</param>
    /// <param name="page">Page from 1.</param>
    /// <param name="pageSize">Drivers per page.</param>
    /// <param name="cancellationToken">Cancels the call (a newer search replaced it).</param>
    public Task<BookDriverPage> ListBookDriversAsync(string? name, string sort, bool descending, int page, int pageSize, CancellationToken cancellationToken = default) =>
        SendAsync<BookDriverPage>(
            HttpMethod.Get,
            Invariant($"admin/dashboard/drivers?sort={sort}&order={(descending ? "desc" : "asc")}&page={page}&pageSize={pageSize}")
                + (string.IsNullOrWhiteSpace(name) ? string.Empty : "&name=" + Uri.EscapeDataString(name.Trim())),
            null,
            authorized: true,
            cancellationToken);

    /// <summary>One driver's card: its latest score and premium and its last 30 days.</summary>
    public Task<DriverSummary> GetDriverSummaryAsync(long driverId) => GetAsync<DriverSummary>(Invariant($"drivers/{driverId}/summary"));

    /// <summary>The latest score's factors, largest effect first.</summary>
    public Task<ScoreBreakdown> GetScoreBreakdownAsync(long driverId) => GetAsync<ScoreBreakdown>(Invariant($"risk/{driverId}/breakdown"));

    /// <summary>The monthly mean score.</summary>
    public Task<ScoreTrend> GetTrendAsync(long driverId) => GetAsync<ScoreTrend>(Invariant($"risk/{driverId}/trend"));

    /// <summary>A page of stored scores, newest first.</summary>
    public Task<ScorePage> GetScoreHistoryAsync(long driverId, int page, int pageSize) =>
        GetAsync<ScorePage>(Invariant($"risk/{driverId}/history?page={page}&pageSize={pageSize}"));

    /// <summary>Tips from the latest score.</summary>
    public Task<Recommendations> GetRecommendationsAsync(long driverId) => GetAsync<Recommendations>(Invariant($"risk/{driverId}/recommendations"));

    /// <summary>Alerts over the last 30 days.</summary>
    public Task<AlertList> GetAlertsAsync(long driverId) => GetAsync<AlertList>(Invariant($"drivers/{driverId}/alerts"));

    /// <summary>A page of trips, newest first.</summary>
    public Task<TripPage> ListTripsAsync(long driverId, int page, int pageSize) =>
        GetAsync<TripPage>(Invariant($"drivers/{driverId}/trips?page={page}&pageSize={pageSize}"));

    /// <summary>One trip with its named features.</summary>
    public Task<Trip> GetTripAsync(long tripId) => GetAsync<Trip>(Invariant($"telematics/trips/{tripId}"));

    /// <summary>One trip's path and harsh events, for drawing.</summary>
    public Task<TripPathData> GetTripPathAsync(long tripId) => GetAsync<TripPathData>(Invariant($"telematics/trips/{tripId}/path"));

    /// <summary>The current premium with its breakdown steps.</summary>
    public Task<PremiumBreakdown> GetPremiumBreakdownAsync(long driverId) => GetAsync<PremiumBreakdown>(Invariant($"pricing/{driverId}/breakdown"));

    /// <summary>A page of premiums, newest first.</summary>
    public Task<PremiumPage> GetPremiumHistoryAsync(long driverId, int page, int pageSize) =>
        GetAsync<PremiumPage>(Invariant($"pricing/{driverId}/history?page={page}&pageSize={pageSize}"));

    /// <summary>What the premium would be with other figures (nothing is stored).</summary>
    public Task<Simulation> SimulateAsync(long driverId, SimulationRequest request) =>
        SendAsync<Simulation>(HttpMethod.Post, Invariant($"pricing/{driverId}/simulate"), request, authorized: true);

    /// <summary>Every served model with its versions and aliases.</summary>
    public Task<ModelCatalog> GetModelsAsync() => GetAsync<ModelCatalog>("models");

    /// <summary>Points an alias of a model at a version (promote); the API checks the pricing plan fits.</summary>
    public Task<ModelSummary> SetAliasAsync(string model, string alias, string version) =>
        SendAsync<ModelSummary>(HttpMethod.Post, "models/" + Uri.EscapeDataString(model) + "/aliases", new { alias, version }, authorized: true);

    /// <summary>Every experiment, serving or stored.</summary>
    public Task<ExperimentList> ListExperimentsAsync() => GetAsync<ExperimentList>("experiments");

    /// <summary>One experiment's definition.</summary>
    public Task<Experiment> GetExperimentAsync(string name) => GetAsync<Experiment>("experiments/" + Uri.EscapeDataString(name));

    /// <summary>One experiment's per-variant figures over the last 30 days.</summary>
    public Task<ExperimentMetrics> GetExperimentMetricsAsync(string name) => GetAsync<ExperimentMetrics>("experiments/" + Uri.EscapeDataString(name) + "/metrics");

    /// <summary>A page of the audit log, newest first, after <paramref name="after"/> (keyset).</summary>
    public Task<AuditPage> GetAuditAsync(AuditFilter filter, long? after, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new System.Text.StringBuilder(Invariant($"admin/audit?pageSize={pageSize}"));
        Add("action", filter.Action);
        Add("resource", filter.Resource);
        Add("actor", filter.Actor);
        if (after is { } seq)
        {
            query.Append(Invariant($"&after={seq}"));
        }

        return GetAsync<AuditPage>(query.ToString());

        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
            }
        }
    }

    /// <summary>Recomputes the audit hash chain (and checks the anchors) on the server.</summary>
    public Task<AuditVerification> VerifyAuditAsync() => SendAsync<AuditVerification>(HttpMethod.Post, "admin/audit/verify", new { }, authorized: true);

    /// <summary>The events table's partitions with their rows and sizes.</summary>
    public Task<IReadOnlyList<Partition>> GetPartitionsAsync() => GetAsync<IReadOnlyList<Partition>>("admin/partitions");

    private static string Period(DateOnly from, DateOnly to) =>
        "?from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "&to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private Task<T> GetAsync<T>(string path) => SendAsync<T>(HttpMethod.Get, path, null, authorized: true);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, bool authorized, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(ApiRoot(), path));
        if (authorized)
        {
            if (session.Token is not { Length: > 0 } token)
            {
                throw new ApiException(401, "Not signed in.");
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        var client = clients.CreateClient(ClientName);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException((int)response.StatusCode, await DescribeAsync(response).ConfigureAwait(false));
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException((int)response.StatusCode, "The API answered with an empty body.");
    }

    // The API's problem+json names what went wrong in its own words; the dashboard shows that rather than a status code.
    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(Json).ConfigureAwait(false);
            if (problem is { Title: { Length: > 0 } title })
            {
                return problem.Detail is { Length: > 0 } detail ? title + ": " + detail : title;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: fall through to the status.
        }

        return Invariant($"The API answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    // The host's own address, resolved on the server: never one the browser named (see DashboardHostAddress).
    private Uri ApiRoot() => host.Root is { } root ? new Uri(root, "api/v1/") : throw new HttpRequestException("No address of the API is known.");

    private sealed record Problem(string? Title, string? Detail);
}
