using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class JobHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs");

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FireAt",
                table: "run_requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "job_revisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    Changes = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_revisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_job_revisions_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "schedule_gaps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_schedule_gaps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_schedule_gaps_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_LogicalDate_Trigger_Status_ParentRunId_BackfillId",
                table: "runs",
                columns: new[] { "JobId", "LogicalDate", "Trigger", "Status", "ParentRunId", "BackfillId" });

            migrationBuilder.CreateIndex(
                name: "IX_run_requests_FireAt",
                table: "run_requests",
                column: "FireAt",
                filter: "\"FireAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_job_revisions_JobId_Number",
                table: "job_revisions",
                columns: new[] { "JobId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_schedule_gaps_JobId_To",
                table: "schedule_gaps",
                columns: new[] { "JobId", "To" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_revisions");

            migrationBuilder.DropTable(
                name: "schedule_gaps");

            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_LogicalDate_Trigger_Status_ParentRunId_BackfillId",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_run_requests_FireAt",
                table: "run_requests");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "FireAt",
                table: "run_requests");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs",
                columns: new[] { "JobId", "LogicalDate" });
        }
    }
}
