using System.Net;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Alters an audit row behind the triggers' back, so it has a database of its own.</summary>
public sealed class AdminAuditTamperTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Verification_names_the_first_row_that_was_changed()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var log = host.Services.GetRequiredService<AuditLog>();
        long tampered = 0;
        for (var i = 0; i < 3; i++)
        {
            var seq = await log.AppendAsync(new AuditActor("test:seed"), "tamper.seed", "thing/" + i, null, null);
            tampered = i == 1 ? seq : tampered;
        }

        // Several statements in one command cannot take parameters; the seq is our own number.
        await using (var command = database.DataSource.CreateCommand(AuditTampering.WithTriggersOff(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE audit_log SET actor = 'someone-else' WHERE seq = {tampered}"))))
        {
            await command.ExecuteNonQueryAsync();
        }

        using var response = await admin.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null);
        var verdict = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.Equal(tampered, verdict.GetProperty("firstBrokenSeq").GetInt64());
        Assert.Contains("changed", verdict.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }
}
