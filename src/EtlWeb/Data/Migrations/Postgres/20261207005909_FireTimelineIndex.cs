using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FireTimelineIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_LogicalDate_Trigger_Status_ParentRunId_BackfillId",
                table: "runs",
                columns: new[] { "JobId", "LogicalDate", "Trigger", "Status", "ParentRunId", "BackfillId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_LogicalDate_Trigger_Status_ParentRunId_BackfillId",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs",
                columns: new[] { "JobId", "LogicalDate" });
        }
    }
}
