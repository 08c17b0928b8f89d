namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>One host, database and browser for every dashboard test class: starting them takes most of a test run.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardHost>
{
    public const string Name = "dashboard";
}
