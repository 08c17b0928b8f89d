using Telematics.Api.Health;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTelematicsHealth();

var app = builder.Build();
app.MapTelematicsHealth();
app.Run();
