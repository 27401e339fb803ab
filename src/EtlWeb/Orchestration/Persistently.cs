using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Database work whose result must not be lost to a passing outage (PostgreSQL restarting, a full disk): it is tried
/// again after a pause that grows to five seconds, until it succeeds or <c>stopping</c> fires. A conflict (another
/// writer won) is not an outage and is not retried.
/// </summary>
public static class Persistently
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastPause = TimeSpan.FromSeconds(5);

    /// <param name="work">Given how many tries failed before this one.</param>
    /// <param name="firstFailure">Told of the first failure (later ones are the same outage).</param>
    public static async Task<T> RunAsync<T>(Func<int, Task<T>> work, Action<Exception> firstFailure, TimeProvider time, CancellationToken stopping)
    {
        var pause = FirstPause;
        for (var failures = 0; ; failures++)
        {
            try
            {
                return await work(failures);
            }
            catch (Exception ex) when (IsOutage(ex) && !stopping.IsCancellationRequested)
            {
                if (failures == 0)
                {
                    firstFailure(ex);
                }

                await Task.Delay(pause, time, stopping);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastPause.Ticks));
            }
        }
    }

    /// <summary>
    /// Whether the error says the database could not be reached or written, as opposed to what was asked being wrong:
    /// a provider error or time-out, also as wrapped by EF Core's execution strategy or SaveChanges.
    /// </summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        DbException or TimeoutException or IOException => true,
        DbUpdateConcurrencyException => false,
        InvalidOperationException or DbUpdateException => ex.InnerException is { } inner && IsOutage(inner),
        _ => false,
    };
}
