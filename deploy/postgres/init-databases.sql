-- One database per service: no service reads another's tables.
CREATE DATABASE skillcert_gateway;
CREATE DATABASE skillcert_registration;
CREATE DATABASE skillcert_review;
CREATE DATABASE skillcert_exam_scheduling;
CREATE DATABASE skillcert_payment;
CREATE DATABASE skillcert_scoring;
CREATE DATABASE skillcert_certificate;
CREATE DATABASE skillcert_notification;
CREATE DATABASE skillcert_institution;
