using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.StreamPerf;

/// <summary>
/// The direct HTTP ingest of the same batches, for the figure beside the streamed one: each batch POSTed as a CSV body to
/// the host's upload endpoint (<c>Ingest:Mode=direct</c>), as many drivers at once as the stream has partitions, each
/// driver's batches in order. The bodies are written before the clock starts, so the figure is the host's.
/// </summary>
internal static class HttpIngest
{
    /// <summary>Registers one driver per batch list through the API and returns their ids.</summary>
    public static async Task<long[]> RegisterDriversAsync(HttpClient http, int count)
    {
        var ids = new long[count];
        for (var d = 0; d < count; d++)
        {
            using var response = await http.PostAsJsonAsync("api/v1/drivers", new { externalRef = $"perf-http-{d}", displayName = $"Perf {d}" });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids[d] = body.RootElement.GetProperty("driverId").GetInt64();
        }

        return ids;
    }

    /// <summary>Writes every batch of drivers [<paramref name="from"/>, <paramref name="to"/>) as a CSV body.</summary>
    public static async Task<byte[][][]> BodiesAsync(IReadOnlyList<List<SampleBuffer>> batches, int from, int to)
    {
        var bodies = new byte[to - from][][];
        for (var d = from; d < to; d++)
        {
            bodies[d - from] = new byte[batches[d].Count][];
            for (var b = 0; b < batches[d].Count; b++)
            {
                using var stream = new MemoryStream();
                await using (var writer = CsvSampleWriter.FromStream(stream, leaveOpen: true))
                {
                    await writer.WriteAsync(batches[d][b]);
                }

                bodies[d - from][b] = stream.ToArray();
            }
        }

        return bodies;
    }

    /// <summary>POSTs the bodies, <paramref name="concurrency"/> drivers at once; returns the seconds it took.</summary>
    public static async Task<double> PostAsync(HttpClient http, byte[][][] bodies, long[] drivers, int concurrency)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, bodies.Length), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (d, ct) =>
        {
            foreach (var body in bodies[d])
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await http.PostAsync(string.Create(CultureInfo.InvariantCulture, $"api/v1/telematics/events?driverId={drivers[d]}"), content, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The host answered {(int)response.StatusCode} for driver {drivers[d]}: {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
        });
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>An HTTP client of the host at <paramref name="url"/> with <paramref name="token"/>.</summary>
    public static HttpClient Client(string url, string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
